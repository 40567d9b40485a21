using Edge.Agent.Cgroups;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;

namespace Edge.Benchmarks.ResizeLatency;

/// <summary>
/// The commands both phases send: one idle edge-workload instance, resized alternately between two limit sets
/// (250 millicores / 128 MiB and 500 millicores / 160 MiB), so every resize changes every limit file.
/// </summary>
internal static class ResizeCommands
{
    public const string BenchNode = "bench-node";
    public const string InstanceId = "bench";

    public static readonly InstanceLimits[] Limits = [new(250, 128), new(500, 160)];

    /// <summary>The limits resize number <paramref name="i"/> sets (the instance starts with <c>Limits[0]</c>).</summary>
    public static InstanceLimits LimitsOf(int i) => Limits[(i + 1) % 2];

    public static NodeCommand Start(string node) => New(node, CommandKind.Start) with
    {
        Start = new StartSpec
        {
            InstanceId = InstanceId,
            ComponentId = "bench/idle",
            Executable = SupervisorOptions.BundledWorkload,
            Limits = Limits[0],
        },
    };

    public static NodeCommand Resize(string node, int i) => New(node, CommandKind.Resize) with { Resize = new ResizeSpec(InstanceId, LimitsOf(i)) };

    public static NodeCommand Stop(string node) => New(node, CommandKind.Stop) with { Stop = new StopSpec(InstanceId, 5000) };

    public static void RemoveParent(string parent)
    {
        foreach (var mount in CgroupLayout.Detect().V1Mounts.Values.Distinct())
        {
            var dir = Path.Combine(mount, parent);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir);
            }
        }
    }

    private static NodeCommand New(string node, CommandKind kind) => new()
    {
        CommandId = Guid.NewGuid().ToString("N"),
        NodeId = node,
        Kind = kind,
        IssuedAtMs = 0,
    };
}
