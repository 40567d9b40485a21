namespace Edge.Common.Contracts;

/// <summary>What happened on a node.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<NodeEventKind>))]
public enum NodeEventKind
{
    CommandAccepted,
    CommandRejected,
    CommandCompleted,
    InstanceStarted,
    InstanceExited,
    InstanceOomKilled,
    InstanceThrottled,
    InstanceResized,
    /// <summary>An instance found running in the agent's cgroups at start, adopted rather than orphaned.</summary>
    InstanceAdopted,
    /// <summary>The agent dropped spooled metric batches because its spool was full; <c>Values["dropped"]</c> says how many.</summary>
    SpoolOverflow,

    /// <summary>
    /// An instance's network cap held it back: its token buckets queued (<c>net_*_overlimits</c>) or dropped
    /// (<c>net_*_dropped</c>) packets since the last such event, tx on the instance's egress, rx on its ingress; with
    /// <c>net_limit_mbps</c> and the rates measured last (<c>net_tx_mbps</c>, <c>net_rx_mbps</c>). The network analogue
    /// of <see cref="InstanceThrottled"/>.
    /// </summary>
    InstanceNetworkThrottled,
}
