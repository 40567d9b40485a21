using Edge.Common.Contracts;

namespace Edge.Common.Api;

/// <summary>
/// An agent's report about a running instance that an operator reads beside the run: its CPU quota or network cap
/// held it back (<c>instanceThrottled</c>, <c>instanceNetworkThrottled</c>), a resize applied (<c>instanceResized</c>)
/// or refused (<c>commandRejected</c> of a <c>resize</c>), an OOM kill. The agent's <see cref="NodeEvent"/>, trimmed
/// to what says what happened.
/// </summary>
public sealed record RunEvent
{
    /// <summary>Unix milliseconds on the agent's clock.</summary>
    public required long AtMs { get; init; }

    public required NodeEventKind Kind { get; init; }

    public required string NodeId { get; init; }

    /// <summary>The refused command's kind (only <c>resize</c> is kept).</summary>
    public CommandKind? CommandKind { get; init; }

    public string? Reason { get; init; }

    /// <summary>The limits before (a resize, applied or refused).</summary>
    public ResourceQuantity? OldLimits { get; init; }

    /// <summary>The limits after (a resize), asked for (a refused one), or in force (throttling).</summary>
    public ResourceQuantity? NewLimits { get; init; }

    /// <summary>The event's figures: <c>net_tx_dropped</c>, <c>net_limit_mbps</c>, <c>throttled_s</c>, ...</summary>
    public IReadOnlyDictionary<string, double>? Values { get; init; }

    /// <summary>Whether <paramref name="e"/> is one an operator sees beside the run.</summary>
    public static bool Shown(NodeEvent e) => e.Kind is NodeEventKind.InstanceThrottled or NodeEventKind.InstanceNetworkThrottled
        or NodeEventKind.InstanceResized or NodeEventKind.InstanceOomKilled
        || (e.Kind == NodeEventKind.CommandRejected && e.CommandKind == Contracts.CommandKind.Resize);

    public static RunEvent From(NodeEvent e) => new()
    {
        AtMs = e.TimestampMs,
        Kind = e.Kind,
        NodeId = e.NodeId,
        CommandKind = e.CommandKind,
        Reason = e.Reason,
        OldLimits = e.OldLimits,
        NewLimits = e.NewLimits,
        Values = e.Values,
    };
}
