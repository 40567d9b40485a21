using System.Globalization;

namespace Edge.Workload;

/// <summary>Parsed command line of <c>edge-workload</c>.</summary>
internal sealed record WorkloadOptions
{
    public double CpuCores { get; init; }
    public double MemoryMiB { get; init; }
    public double MemoryRampSeconds { get; init; }
    public double DurationSeconds { get; init; }
    public double NetMbps { get; init; }
    public string? NetTarget { get; init; }
    public string? ProfilePath { get; init; }
    public bool IgnoreSigterm { get; init; }

    /// <summary>A line printed on stdout at start (and every <see cref="SayEverySeconds"/> with a counter).</summary>
    public string? Say { get; init; }

    /// <summary>A line printed on stderr at start.</summary>
    public string? SayStderr { get; init; }

    /// <summary>When &gt; 0, <see cref="Say"/> is printed again this often, as "TEXT #n".</summary>
    public double SayEverySeconds { get; init; }

    public const string Usage =
        "usage: edge-workload [--cpu <cores>] [--memory <MiB>] [--memory-ramp-seconds <s>] [--duration <s>]\n" +
        "                     [--net-mbps <rate> --net-target <ip:port>] [--profile <csv>] [--ignore-sigterm]\n" +
        "                     [--say <text> [--say-every <s>]] [--say-stderr <text>]\n" +
        "  --duration 0 (the default) runs until SIGTERM; --profile replays rows 'time_s,cpu_cores,mem_mib'.";

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> names the offending argument.</summary>
    public static WorkloadOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new WorkloadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--ignore-sigterm")
            {
                options = options with { IgnoreSigterm = true };
                continue;
            }

            if (i + 1 >= args.Count)
            {
                error = $"option '{name}' needs a value";
                return null;
            }

            var value = args[++i];
            options = Apply(options, name, value, out error)!;
            if (error is not null)
            {
                return null;
            }
        }

        error = options.NetMbps > 0 && options.NetTarget is null ? "--net-mbps needs --net-target <ip:port>"
            : options.NetTarget is { } target && !System.Net.IPEndPoint.TryParse(target, out _) ? $"--net-target '{target}' is not an ip:port"
            : null;
        return error is null ? options : null;
    }

    private static WorkloadOptions? Apply(WorkloadOptions options, string name, string value, out string? error)
    {
        error = null;
        switch (name)
        {
            case "--net-target":
                return options with { NetTarget = value };
            case "--profile":
                return options with { ProfilePath = value };
            case "--say":
                return options with { Say = value };
            case "--say-stderr":
                return options with { SayStderr = value };
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number < 0 || !double.IsFinite(number))
        {
            error = $"option '{name}' has value '{value}', which is not a non-negative number";
            return null;
        }

        switch (name)
        {
            case "--cpu": return options with { CpuCores = number };
            case "--memory": return options with { MemoryMiB = number };
            case "--memory-ramp-seconds": return options with { MemoryRampSeconds = number };
            case "--duration": return options with { DurationSeconds = number };
            case "--net-mbps": return options with { NetMbps = number };
            case "--say-every": return options with { SayEverySeconds = number };
            default:
                error = $"unknown option '{name}'";
                return null;
        }
    }
}
