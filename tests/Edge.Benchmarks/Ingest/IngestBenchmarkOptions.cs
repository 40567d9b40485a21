using System.Globalization;

namespace Edge.Benchmarks.Ingest;

/// <summary>Knobs of the ingest benchmark: <c>--agents</c>, <c>--samples</c> (per batch), <c>--seconds</c>, <c>--rate</c> (samples/s, 0 = flat out).</summary>
internal sealed record IngestBenchmarkOptions
{
    public int Agents { get; init; } = 50;
    public int SamplesPerBatch { get; init; } = 150;
    public int Seconds { get; init; } = 20;
    public int TargetSamplesPerSecond { get; init; } = 100_000;

    public static IngestBenchmarkOptions Parse(string[] args)
    {
        var options = new IngestBenchmarkOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--agents" => options with { Agents = value },
                "--samples" => options with { SamplesPerBatch = value },
                "--seconds" => options with { Seconds = value },
                "--rate" => options with { TargetSamplesPerSecond = value },
                _ => throw new ArgumentException($"unknown ingest benchmark option '{args[i]}' (known: --agents --samples --seconds --rate)"),
            };
        }

        return options;
    }
}
