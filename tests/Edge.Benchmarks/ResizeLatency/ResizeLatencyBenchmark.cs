using System.Globalization;

namespace Edge.Benchmarks.ResizeLatency;

/// <summary>
/// Command-to-enforced latency of <c>resize</c>, two ways in one run: handed straight to the supervisor
/// (<see cref="SupervisorOnlyPhase"/>), and from the real controller host publishing it through its embedded broker
/// to the real agent host (<see cref="EndToEndPhase"/>). One idle edge-workload instance; <c>--count</c> resizes
/// (default 1000) after 50 warm-up ones. Uses real cgroups when run as root ("auto" enforcement), else process limits.
/// Usage: <c>resize-latency [--count N] [--enforcement auto|cgroup-v1|cgroup-v2|rlimit] [--only supervisor|e2e]</c>.
/// </summary>
internal static class ResizeLatencyBenchmark
{
    private const int WarmUp = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = IntArg(args, "--count", 1000);
        var enforcement = StringArg(args, "--enforcement", "auto");
        var only = StringArg(args, "--only", "");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"resize-latency: {count} resizes per path after {WarmUp} warm-up, enforcement {enforcement}, {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
        var rows = new List<LatencySeries>();
        if (only is "" or "supervisor")
        {
            if (await SupervisorOnlyPhase.RunAsync(enforcement, count, WarmUp) is not { } supervisorOnly)
            {
                return 1;
            }

            rows.Add(supervisorOnly.Written);
            rows.Add(supervisorOnly.Returned);
        }

        if (only is "" or "e2e")
        {
            if (await EndToEndPhase.RunAsync(enforcement, count, WarmUp) is not { } endToEnd)
            {
                return 1;
            }

            rows.AddRange(endToEnd);
        }

        LatencySeries.PrintHeader();
        foreach (var row in rows)
        {
            row.Print();
        }

        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static int IntArg(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    private static string StringArg(string[] args, string name, string fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
