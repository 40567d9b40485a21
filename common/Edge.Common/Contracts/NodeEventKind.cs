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
}
