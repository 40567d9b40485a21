using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

/// <summary>What a restarted agent needs to adopt a still-running instance.</summary>
internal sealed record InstanceState
{
    public required string InstanceId { get; init; }
    public required string ComponentId { get; init; }
    public string? WorkflowRunId { get; init; }
    public required string GroupName { get; init; }
    public required int Pid { get; init; }
    public required InstanceLimits Limits { get; init; }
    public required int GracePeriodMs { get; init; }
    /// <summary>Which /30 of the network subnet the instance has; null when it is not network-isolated.</summary>
    public int? NetworkIndex { get; init; }
    /// <summary>The uid the instance runs as; null in state written before instances had their own users.</summary>
    public uint? Uid { get; init; }
    public uint? Gid { get; init; }
    /// <summary>Unix milliseconds.</summary>
    public required long StartedAtMs { get; init; }
}
