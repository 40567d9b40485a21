using System.Globalization;

namespace Edge.Benchmarks.Replay;

/// <summary>
/// What an <c>edge-workload</c> command line asks for (<c>--cpu</c> cores, <c>--memory</c> MiB,
/// <c>--memory-ramp-seconds</c>, <c>--duration</c>), in trace seconds, and the network it sends (<c>--net-mbps</c>, as
/// the workload's own option) and receives (<c>--net-rx-mbps</c>, the replay's: the workload has no receiver): the
/// simulated agent runs it instead of the process.
/// </summary>
internal sealed record WorkloadSpec(double CpuCores, double MemoryMiB, double RampS, double DurationS, double TxMbps = 0, double RxMbps = 0)
{
    /// <summary>Parses the arguments; null with <paramref name="error"/> naming the offending one.</summary>
    public static WorkloadSpec? Parse(IReadOnlyList<string> args, out string? error)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (args[i] is not ("--cpu" or "--memory" or "--memory-ramp-seconds" or "--duration" or "--net-mbps" or "--net-rx-mbps"))
            {
                error = $"argument '{args[i]}' is not one the replay simulates";
                return null;
            }

            if (i + 1 >= args.Count || !double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || !double.IsFinite(value))
            {
                error = $"option '{args[i]}' needs a non-negative number";
                return null;
            }

            values[args[i]] = value;
        }

        if (!values.TryGetValue("--duration", out var duration) || duration <= 0)
        {
            // A zero-second trace task still runs for the minimum wall time; 10 ms of trace time stands for it.
            duration = 0.01;
        }

        error = null;
        return new WorkloadSpec(Math.Max(values.GetValueOrDefault("--cpu"), 0.001), values.GetValueOrDefault("--memory"), values.GetValueOrDefault("--memory-ramp-seconds"), duration,
            values.GetValueOrDefault("--net-mbps"), values.GetValueOrDefault("--net-rx-mbps"));
    }
}
