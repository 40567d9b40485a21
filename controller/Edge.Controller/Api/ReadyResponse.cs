namespace Edge.Controller.Api;

/// <summary><c>GET /readyz</c> when ready: each readiness check and its result (no secrets, no paths, anonymous).</summary>
/// <param name="Status"><c>ready</c>.</param>
/// <param name="Store">The history store is open (see <paramref name="History"/> for what its recovery did).</param>
/// <param name="Broker">The embedded broker runs (or, with an external broker, the controller is connected to it).</param>
/// <param name="MqttConnected">The controller's own MQTT connection is up.</param>
/// <param name="Started">Every hosted service has started.</param>
/// <param name="Role"><c>leader</c> (always, for a single controller), <c>follower</c> or <c>candidate</c> (cluster mode, docs/ha.md).</param>
/// <param name="Term">The leader's term as this controller last saw it (its own when it leads); the fencing token commands carry.</param>
/// <param name="Leader">The leading controller's member id in cluster mode; null for a single controller or while none is known.</param>
/// <param name="History">The metrics history's recovery outcome at start.</param>
/// <param name="State">The state store's backend and the outcome of its latest writes.</param>
internal sealed record ReadyResponse(string Status, bool Store, bool Broker, bool MqttConnected, bool Started, string Role = "leader", long Term = 0, string? Leader = null, HistoryReadiness? History = null, StateReadiness? State = null);

/// <summary>What the history (FASTER) recovery did when the controller started.</summary>
/// <param name="Outcome"><c>recovered</c> (from the newest checkpoint), <c>fell-back</c> (from an older one: newer ones were damaged and set aside; the samples after it are lost), <c>failed</c> (checkpoints existed, none usable: started empty), <c>empty</c> (no checkpoint: a first start).</param>
/// <param name="RecoveredFrom">The checkpoint token recovered from; null when started empty.</param>
/// <param name="CheckpointsFound">Checkpoints on disk at start.</param>
/// <param name="DamagedCheckpoints">Tokens of the checkpoints that could not be recovered (set aside; the log names each error).</param>
internal sealed record HistoryReadiness(string Outcome, string? RecoveredFrom, int CheckpointsFound, IReadOnlyList<string> DamagedCheckpoints)
{
    public static HistoryReadiness From(History.HistoryRecovery recovery) => new(
        recovery.Failed ? "failed" : recovery.FellBack ? "fell-back" : recovery.RecoveredFrom is null ? "empty" : "recovered",
        recovery.RecoveredFrom?.ToString(),
        recovery.CheckpointsFound,
        [.. recovery.Failures.Select(f => f.Token.ToString())]);
}

/// <summary>The state store (allocations, queue, runs) as readiness reports it.</summary>
/// <param name="Backend">The backend's name (<c>sqlite</c>, <c>etcd</c>); its location is in the start-up log, not here.</param>
/// <param name="Healthy">False while the latest write was refused (full disk, I/O error, etcd unreachable): decisions are refused with the error until a write succeeds again; reads are served.</param>
/// <param name="Commits">Transactions made durable since start.</param>
/// <param name="Failures">Transactions refused since start.</param>
/// <param name="LastFailure">Reason of the latest refusal (<c>disk_full</c>, <c>error</c>, ...); null when none.</param>
/// <param name="LastFailureAt">When it happened (UTC); null when none.</param>
internal sealed record StateReadiness(string Backend, bool Healthy, long Commits, long Failures, string? LastFailure, DateTimeOffset? LastFailureAt);
