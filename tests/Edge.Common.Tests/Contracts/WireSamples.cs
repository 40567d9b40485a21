using Edge.Common.Contracts;

namespace Edge.Common.Tests.Contracts;

/// <summary>One filled-in example of every wire message, shared by the contract tests.</summary>
internal static class WireSamples
{
    public static NodeStatus Status() => new()
    {
        NodeId = "node-a",
        Online = true,
        TimestampMs = 1_764_000_000_000,
        AgentVersion = "0.1.0",
        BootId = "b1",
        CgroupMode = CgroupMode.V1,
        EnforcementMode = "cgroup-v1",
        Capacity = new ResourceQuantity(2000, 24_000, 1000),
        Provider = "local",
        Pricing = new NodePricing(PricingTier.Spot, 0.012, 0.0015),
        Labels = new Dictionary<string, string> { ["zone"] = "a" },
    };

    public static MetricBatch Metrics() => new()
    {
        NodeId = "node-a",
        BootId = "b1",
        Sequence = 42,
        TimestampMs = 1_764_000_000_000,
        Samples =
        [
            new MetricSample(MetricNames.NodeScope, MetricNames.CpuCores, 0.75),
            new MetricSample("instance/i-1", MetricNames.MemoryCurrentMiB, 120.5),
        ],
    };

    public static NodeEvent Event() => new()
    {
        NodeId = "node-a",
        EventId = "e1",
        TimestampMs = 1_764_000_000_000,
        Kind = NodeEventKind.InstanceExited,
        InstanceId = "i-1",
        ComponentId = "etl/transform",
        ExitCode = 0,
        Values = new Dictionary<string, double> { ["duration_s"] = 12.5 },
    };

    public static NodeCommand StartCommand() => new()
    {
        CommandId = "c1",
        NodeId = "node-a",
        Kind = CommandKind.Start,
        IssuedAtMs = 1_764_000_000_000,
        Start = new StartSpec
        {
            InstanceId = "i-1",
            ComponentId = "etl/transform",
            Executable = "/usr/bin/stress-ng",
            Args = ["--cpu", "1"],
            Limits = new InstanceLimits(250, 64),
        },
    };

    public static PredictionProfile Prediction() => new()
    {
        ComponentId = "etl/transform",
        Cpu = 250,
        Memory = 512,
        NetworkBandwidth = 10,
        ConfidenceInterval = new ConfidenceInterval(0.9, new IntervalBounds(100, 300), new IntervalBounds(400, 520), new IntervalBounds(1, 12)),
        Model = "edge@1",
    };

    public static ResourceDefinition Resource() => new() { Id = "a-1", Cpu = 250, Memory = 512, Provider = "local", NodeId = "node-a" };

    public static Decision DecisionSample() => new()
    {
        DecisionId = "d1",
        Kind = DecisionKind.Placement,
        TimestampMs = 1,
        Reason = "cheapest node that fits the P95 profile",
        Alternatives = [new DecisionAlternative("node-b", null, "memory: needs 512 MiB, 100 free")],
    };

    public static WorkflowSubmission Submission() => new()
    {
        WorkflowId = "etl",
        Steps = [new WorkflowStep { Id = "extract", ComponentId = "etl/extract", Command = "/opt/edge/edge-workload" }],
    };

    public static WorkflowRunStatus RunStatus() => new()
    {
        RunId = "r1",
        WorkflowId = "etl",
        State = WorkflowStepState.Running,
        UpdatedAtMs = 1,
        Steps = [new WorkflowStepStatus("extract", WorkflowStepState.Running, "node-a", "i-1", 1, null)],
    };
}
