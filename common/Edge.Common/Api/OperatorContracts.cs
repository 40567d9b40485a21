using System.Text.Json.Serialization;
using Edge.Common.Contracts;

namespace Edge.Common.Api;

// The operator API's node-scheduling and output contract, shared by the controller (which serves it) and edgectl
// (which reads it). Routes (all need an operator token except the GETs, which need a viewer token):
//
//   GET  /api/nodes/{node}                       -> NodeDetail
//   POST /api/nodes/{node}/cordon    CordonRequest? -> NodeScheduling          (no new placements on the node)
//   POST /api/nodes/{node}/uncordon               -> NodeScheduling          (also ends a drain in progress)
//   POST /api/nodes/{node}/drain     DrainRequest?  -> 202 NodeScheduling, Location: /api/nodes/{node}
//        (cordons, then moves every migratable instance elsewhere and waits out the others until the deadline)
//   GET  /api/instances/{instance}/output?stream=stdout|stderr&tailBytes=N            -> InstanceOutput
//   GET  /api/workflows/{run}/steps/{step}/output?attempt=N&stream=stdout|stderr&tailBytes=N -> InstanceOutput
//        (attempt defaults to the latest; tailBytes defaults to 65536, at most 1 MiB)
//
// Errors are RFC 9457 problem details (application/problem+json) whose detail names the offending value.

/// <summary>Body of <c>POST /api/nodes/{node}/cordon</c>: why, for the record.</summary>
public sealed record CordonRequest(string? Reason = null);

/// <summary>Body of <c>POST /api/nodes/{node}/drain</c>: why, and how long to wait for instances that cannot move.</summary>
/// <param name="Reason">Recorded with the cordon.</param>
/// <param name="TimeoutSeconds">After this, instances still on the node are left running and the drain ends as <see cref="DrainStates.TimedOut"/>; null waits for ever.</param>
public sealed record DrainRequest(string? Reason = null, int? TimeoutSeconds = null);

/// <summary>Whether a node takes new placements, and the drain in progress or last finished.</summary>
public sealed record NodeScheduling(string NodeId, bool Cordoned, string? Reason, DateTimeOffset? CordonedAt, DrainProgress? Drain);

/// <summary>Values of <see cref="DrainProgress.State"/>.</summary>
public static class DrainStates
{
    public const string Draining = "draining";
    public const string Drained = "drained";
    public const string TimedOut = "timedOut";
    public const string Cancelled = "cancelled";
}

/// <summary>A drain: when it started, its deadline, and what happened to each instance that was on the node.</summary>
public sealed record DrainProgress(
    string State,
    DateTimeOffset StartedAt,
    DateTimeOffset? Deadline,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<DrainedInstance> Instances,
    string? Message);

/// <summary>Values of <see cref="DrainedInstance.Action"/>.</summary>
public static class DrainActions
{
    /// <summary>Being placed elsewhere; the copy on this node stops once the new one runs.</summary>
    public const string Migrating = "migrating";
    public const string Migrated = "migrated";
    /// <summary>Not migratable (or no room elsewhere): left to finish on its own.</summary>
    public const string Waiting = "waiting";
    public const string Finished = "finished";
    /// <summary>Still on the node when the drain timed out or was cancelled.</summary>
    public const string Left = "left";
}

/// <summary>One instance that was on a draining node.</summary>
public sealed record DrainedInstance(string InstanceId, string ComponentId, string Action, string? TargetNode, string? Message);

/// <summary><c>GET /api/nodes/{node}</c>: the node, its scheduling state and what the controller placed on it.</summary>
public sealed record NodeDetail(
    string NodeId,
    bool Online,
    DateTimeOffset LastSeen,
    NodeStatus? Status,
    NodeScheduling Scheduling,
    ResourceQuantity? Reserved,
    IReadOnlyList<NodeInstance> Instances);

/// <summary>An allocation on a node.</summary>
public sealed record NodeInstance(
    string InstanceId,
    string ComponentId,
    string? WorkflowRunId,
    string State,
    ResourceQuantity Reserved,
    bool Migratable,
    DateTimeOffset CreatedAt);

/// <summary>
/// The tail of an instance's stdout or stderr as kept on its node (bounded and rotated there).
/// </summary>
/// <param name="InstanceId">The instance (a workflow step attempt's instance id, or an allocation id).</param>
/// <param name="NodeId">The node that ran it and keeps its output.</param>
/// <param name="Stream"><c>stdout</c> or <c>stderr</c>.</param>
/// <param name="TotalBytes">Bytes the instance has written to the stream in all, including any rotated away.</param>
/// <param name="Offset">Position in the stream of the first byte of <paramref name="Text"/>.</param>
/// <param name="Truncated">True when output before <paramref name="Offset"/> exists (rotated away or not asked for).</param>
/// <param name="Running">True while the instance still runs (more output may follow).</param>
/// <param name="Text">UTF-8 text; invalid sequences replaced.</param>
public sealed record InstanceOutput(
    string InstanceId,
    string NodeId,
    string Stream,
    long TotalBytes,
    long Offset,
    bool Truncated,
    bool Running,
    string Text);

/// <summary>Source-generated serialization of the operator contract (camelCase, as every Edge API).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(CordonRequest))]
[JsonSerializable(typeof(DrainRequest))]
[JsonSerializable(typeof(NodeScheduling))]
[JsonSerializable(typeof(NodeDetail))]
[JsonSerializable(typeof(InstanceOutput))]
public sealed partial class OperatorJsonContext : JsonSerializerContext;
