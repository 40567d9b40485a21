using System.Globalization;

namespace Edge.Benchmarks.ResizeLatency;

/// <summary>Latencies in milliseconds of one measured path, printed as one row of percentiles (nearest rank).</summary>
internal sealed class LatencySeries(string name)
{
    private readonly List<double> _millis = [];

    public string Name => name;
    public int Count => _millis.Count;

    public void Add(TimeSpan elapsed) => _millis.Add(elapsed.TotalMilliseconds);

    public double Percentile(double q)
    {
        var sorted = _millis.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static void PrintHeader() =>
        Console.WriteLine($"  {"path",-58} {"n",5} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"max ms",8} {"mean ms",8}");

    public void Print() => Console.WriteLine(_millis.Count == 0
        ? $"  {name,-58} {0,5} (no samples)"
        : string.Create(CultureInfo.InvariantCulture,
            $"  {name,-58} {_millis.Count,5} {Percentile(0.50),8:F3} {Percentile(0.90),8:F3} {Percentile(0.99),8:F3} {_millis.Max(),8:F3} {_millis.Average(),8:F3}"));
}
