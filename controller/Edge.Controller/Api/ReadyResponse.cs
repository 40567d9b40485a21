namespace Edge.Controller.Api;

/// <summary><c>GET /readyz</c> when ready: each readiness check and its result (no secrets, anonymous).</summary>
/// <param name="Status"><c>ready</c>.</param>
/// <param name="Store">The history store is open (recovered from its last checkpoint).</param>
/// <param name="Broker">The embedded broker runs (or, with an external broker, the controller is connected to it).</param>
/// <param name="MqttConnected">The controller's own MQTT connection is up.</param>
/// <param name="Started">Every hosted service has started.</param>
internal sealed record ReadyResponse(string Status, bool Store, bool Broker, bool MqttConnected, bool Started);
