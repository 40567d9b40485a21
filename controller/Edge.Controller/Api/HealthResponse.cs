namespace Edge.Controller.Api;

/// <summary><c>GET /healthz</c>: healthy when the broker is up (or the external one reachable) and the store is open.</summary>
internal sealed record HealthResponse(string Status, bool Broker, bool Store, bool MqttConnected);
