namespace Edge.Models.Tests.Lstm;

/// <summary>Daily-seasonal usage at 5-minute samples with Gaussian noise of known size, for LSTM tests.</summary>
internal static class SyntheticSeries
{
    public const long Start = 1_372_636_800; // 2013-07-01 00:00 UTC
    public const int Step = 300;
    public const int PerDay = 288;

    public static UsageSeries Seasonal(string id, int days, double level, double amplitude, double noise, int seed, long start = Start)
    {
        var random = new Random(seed);
        var n = days * PerDay;
        var timestamps = new long[n];
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            timestamps[i] = start + ((long)i * Step);
            var phase = 2 * Math.PI * (i % PerDay) / PerDay;
            values[i] = Math.Max(0, level * (1 + (amplitude * Math.Sin(phase)) + (noise * Gaussian(random))));
        }

        return new UsageSeries(id, ResourceKind.Cpu, timestamps, values);
    }

    public static List<UsageSeries> Many(int count, int days, double noise, int seed, long start = Start) =>
        [.. Enumerable.Range(0, count).Select(i => Seasonal($"s{seed}-{i}", days, 0.5 + i, 0.5, noise, seed * 1000 + i, start))];

    private static double Gaussian(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
