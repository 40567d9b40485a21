namespace Edge.Common.Contracts;

/// <summary>
/// Sent on <c>{prefix}/v1/nodes/{node}/commands</c> at QoS 1 to the agent's persistent session. Exactly one of
/// <see cref="Start"/>, <see cref="Resize"/>, <see cref="Stop"/>, <see cref="ReadOutput"/> is set, matching <see cref="Kind"/>.
/// An agent applies a command id at most once; a redelivered command is acknowledged again, not re-run.
/// </summary>
public sealed record NodeCommand : IWireMessage
{
    public int SchemaVersion { get; init; } = SchemaVersions.Current;
    public required string CommandId { get; init; }
    public required string NodeId { get; init; }
    public required CommandKind Kind { get; init; }
    public required long IssuedAtMs { get; init; }
    public StartSpec? Start { get; init; }
    public ResizeSpec? Resize { get; init; }
    public StopSpec? Stop { get; init; }
    public ReadOutputSpec? ReadOutput { get; init; }
}
