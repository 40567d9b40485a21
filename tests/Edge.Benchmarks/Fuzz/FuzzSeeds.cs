using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// Valid payloads for every entry point, encoded with the real contract types and their source-generated contexts
/// (<see cref="EdgeJsonContext"/> through <see cref="PayloadCodec"/>, the broker's HTTP context for allocations).
/// </summary>
internal static class FuzzSeeds
{
    /// <summary>Command ids in agent seeds; the agent target gives each execution a fresh id in its place.</summary>
    public const string CommandIdToken = "FUZZID";

    private const long Now = 1_780_000_000_000;
    private const string Workload = "/opt/edge/bin/edge-workload";

    public static IReadOnlyList<byte[]> Commands(string node, string executable) =>
    [
        Encode(new NodeCommand
        {
            CommandId = CommandIdToken, NodeId = node, Kind = CommandKind.Start, IssuedAtMs = Now,
            Start = new StartSpec
            {
                InstanceId = "i-1", ComponentId = "etl/transform", WorkflowRunId = "run-1", Executable = executable,
                Args = ["--cpu", "1", "--seconds", "1"], Env = new Dictionary<string, string> { ["MODE"] = "fast" },
                Limits = new InstanceLimits(500, 256, 128, 10), GracePeriodMs = 1000,
            },
        }, EdgeJsonContext.Default.NodeCommand),
        Encode(new NodeCommand
        {
            CommandId = CommandIdToken, NodeId = node, Kind = CommandKind.Resize, IssuedAtMs = Now,
            Resize = new ResizeSpec("i-1", new InstanceLimits(750, 512), AllowKill: true),
        }, EdgeJsonContext.Default.NodeCommand),
        Encode(new NodeCommand
        {
            CommandId = CommandIdToken, NodeId = node, Kind = CommandKind.Stop, IssuedAtMs = Now, Stop = new StopSpec("i-1", 500),
        }, EdgeJsonContext.Default.NodeCommand),
    ];

    public static IReadOnlyList<byte[]> Statuses(string node) =>
    [
        Encode(new NodeStatus
        {
            NodeId = node, Online = true, TimestampMs = Now, AgentVersion = "1.0.0", BootId = "boot-1", CgroupMode = CgroupMode.V1,
            EnforcementMode = "cgroup-v1", Capacity = new ResourceQuantity(4000, 8192, 1000), Provider = "local",
            Pricing = new NodePricing(PricingTier.Spot, 0.02, 0.003), Labels = new Dictionary<string, string> { ["zone"] = "a", ["gpu"] = "none" },
        }, EdgeJsonContext.Default.NodeStatus),
        Encode(new NodeStatus { NodeId = node, Online = false, TimestampMs = Now }, EdgeJsonContext.Default.NodeStatus),
    ];

    public static IReadOnlyList<byte[]> Batches(string node) =>
    [
        Encode(new MetricBatch
        {
            NodeId = node, BootId = "boot-1", Sequence = 1, TimestampMs = Now,
            Samples =
            [
                new(MetricNames.NodeScope, MetricNames.CpuCores, 1.5),
                new(MetricNames.NodeScope, MetricNames.MemoryUsedMiB, 2048),
                new(MetricNames.InstanceScopePrefix + "i-1", MetricNames.MemoryCurrentMiB, 200),
                new(MetricNames.CgroupScopePrefix + "edge/i-1", MetricNames.CpuUtilisationPercent, 42),
            ],
        }, EdgeJsonContext.Default.MetricBatch),
    ];

    public static IReadOnlyList<byte[]> Events(string node) =>
    [
        Encode(new NodeEvent
        {
            NodeId = node, EventId = "e-1", TimestampMs = Now, Kind = NodeEventKind.InstanceExited, InstanceId = "i-1",
            ComponentId = "etl/transform", WorkflowRunId = "run-1", ExitCode = 0, Pid = 1234,
            Values = new Dictionary<string, double> { ["peakMemoryMiB"] = 300, ["cpuSeconds"] = 12.5 },
        }, EdgeJsonContext.Default.NodeEvent),
        Encode(new NodeEvent
        {
            NodeId = node, EventId = "e-2", TimestampMs = Now, Kind = NodeEventKind.InstanceResized, InstanceId = "i-1", CommandId = "c-1",
            OldLimits = new ResourceQuantity(500, 256), NewLimits = new ResourceQuantity(750, 512),
        }, EdgeJsonContext.Default.NodeEvent),
        Encode(new NodeEvent
        {
            NodeId = node, EventId = "e-3", TimestampMs = Now, Kind = NodeEventKind.CommandRejected, CommandId = "c-2", Reason = "no room",
        }, EdgeJsonContext.Default.NodeEvent),
    ];

    public static IReadOnlyList<byte[]> Submissions() =>
    [
        Encode(new WorkflowSubmission
        {
            WorkflowId = "etl",
            Steps =
            [
                new WorkflowStep { Id = "extract", ComponentId = "etl/extract", Command = Workload, Args = ["--cpu", "1", "--seconds", "1"] },
                new WorkflowStep
                {
                    Id = "transform", ComponentId = "etl/transform", Command = Workload, DependsOn = ["extract"],
                    Env = new Dictionary<string, string> { ["MODE"] = "fast" }, Hints = new Dictionary<string, string> { ["inputMiB"] = "100" }, Migratable = false,
                },
            ],
        }, EdgeJsonContext.Default.WorkflowSubmission),
        Encode(new WorkflowSubmission
        {
            RunId = "run-fixed", WorkflowId = "one",
            Steps = [new WorkflowStep { Id = "only", ComponentId = "one/only", Command = Workload }],
        }, EdgeJsonContext.Default.WorkflowSubmission),
    ];

    public static IReadOnlyList<byte[]> Allocations() =>
    [
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new AllocationRequest
        {
            ComponentId = "etl/transform", WorkflowRunId = "run-1", Priority = 5, AntiAffinity = true, QueueTimeoutSeconds = 30,
            RequiredLabels = new Dictionary<string, string> { ["zone"] = "a" }, Hints = new Dictionary<string, string> { ["inputMiB"] = "100" },
            Tiers = [PricingTier.Spot, PricingTier.OnDemand], Executable = Workload, Args = ["--cpu", "1"],
            Env = new Dictionary<string, string> { ["MODE"] = "fast" }, Migratable = false,
        }, AllocationHttpJson.Context.AllocationRequest),
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new AllocationRequest { ComponentId = "reserve/only" }, AllocationHttpJson.Context.AllocationRequest),
    ];

    private static byte[] Encode<T>(T message, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) where T : class, IWireMessage =>
        PayloadCodec.Encode(message, typeInfo);
}
