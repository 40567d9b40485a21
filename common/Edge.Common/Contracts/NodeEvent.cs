namespace Edge.Common.Contracts;

/// <summary>
/// Published on <c>{prefix}/v1/nodes/{node}/events</c> at QoS 1. Events are never dropped: an agent that is offline
/// spools them and sends them in order when it reconnects.
/// </summary>
public sealed record NodeEvent : IWireMessage
{
    public int SchemaVersion { get; init; } = SchemaVersions.Current;
    public required string NodeId { get; init; }
    /// <summary>Unique per event, so a receiver can ignore a redelivered copy.</summary>
    public required string EventId { get; init; }
    public required long TimestampMs { get; init; }
    public required NodeEventKind Kind { get; init; }
    public string? InstanceId { get; init; }
    public string? ComponentId { get; init; }
    public string? WorkflowRunId { get; init; }
    public string? CommandId { get; init; }
    /// <summary>
    /// On <see cref="NodeEventKind.CommandRejected"/>: the kind of command refused (null from agents before it was
    /// added). A refused resize also carries the limits the instance keeps (<see cref="OldLimits"/>) and the ones
    /// asked for (<see cref="NewLimits"/>).
    /// </summary>
    public CommandKind? CommandKind { get; init; }
    /// <summary>Why a command was rejected, or what could not be enforced; names the offending value.</summary>
    public string? Reason { get; init; }
    public int? Pid { get; init; }
    public int? ExitCode { get; init; }
    public ResourceQuantity? OldLimits { get; init; }
    public ResourceQuantity? NewLimits { get; init; }
    /// <summary>Numeric details: duration_s, peak_memory_mib, cpu_seconds, throttled_periods, throttled_s, dropped, net_tx_dropped, ….</summary>
    public IReadOnlyDictionary<string, double>? Values { get; init; }
}
