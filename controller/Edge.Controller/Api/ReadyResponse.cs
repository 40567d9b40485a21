namespace Edge.Controller.Api;

/// <summary><c>GET /readyz</c> when ready: each readiness check and its result (no secrets, anonymous).</summary>
/// <param name="Status"><c>ready</c>.</param>
/// <param name="Store">The history store is open (recovered from its last checkpoint).</param>
/// <param name="Broker">The embedded broker runs (or, with an external broker, the controller is connected to it).</param>
/// <param name="MqttConnected">The controller's own MQTT connection is up.</param>
/// <param name="Started">Every hosted service has started.</param>
/// <param name="Role"><c>leader</c> (always, for a single controller), <c>follower</c> or <c>candidate</c> (cluster mode, docs/ha.md).</param>
/// <param name="Term">The leader's term as this controller last saw it (its own when it leads); the fencing token commands carry.</param>
/// <param name="Leader">The leading controller's member id in cluster mode; null for a single controller or while none is known.</param>
internal sealed record ReadyResponse(string Status, bool Store, bool Broker, bool MqttConnected, bool Started, string Role = "leader", long Term = 0, string? Leader = null);
