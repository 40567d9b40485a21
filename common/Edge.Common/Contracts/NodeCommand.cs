namespace Edge.Common.Contracts;

/// <summary>
/// Sent on <c>{prefix}/v1/nodes/{node}/commands</c> at QoS 1 to the agent's persistent session. Exactly one of
/// <see cref="Start"/>, <see cref="Resize"/>, <see cref="Stop"/>, <see cref="ReadOutput"/> is set, matching <see cref="Kind"/>.
/// An agent applies a command id at most once; a redelivered command is acknowledged again, not re-run.
/// <para>
/// Fencing (docs/ha.md, "Fencing"): <see cref="Term"/> is the sending leader's term and <see cref="ExpiresAtMs"/> the
/// wall-clock instant after which the command must not be acted on. An agent refuses a command whose term is older
/// than the newest it has seen, one past its expiry (allowing its configured clock skew), and one without a term once
/// it has seen any term.
/// </para>
/// </summary>
public sealed record NodeCommand : IWireMessage
{
    public int SchemaVersion { get; init; } = SchemaVersions.Current;
    public required string CommandId { get; init; }
    public required string NodeId { get; init; }
    public required CommandKind Kind { get; init; }
    public required long IssuedAtMs { get; init; }

    /// <summary>The term of the leader that decided this command (its fencing token); null from a controller that predates fencing.</summary>
    public long? Term { get; init; }

    /// <summary>Unix milliseconds after which the command is void; null only together with a null <see cref="Term"/>.</summary>
    public long? ExpiresAtMs { get; init; }
    public StartSpec? Start { get; init; }
    public ResizeSpec? Resize { get; init; }
    public StopSpec? Stop { get; init; }
    public ReadOutputSpec? ReadOutput { get; init; }
}
