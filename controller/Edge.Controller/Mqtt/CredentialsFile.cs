namespace Edge.Controller.Mqtt;

/// <summary>
/// <c>{DataDirectory}/credentials.json</c> (mode 0600): the controller's MQTT user and one password per node id
/// (the node's MQTT username is its node id). The local agent reads its own entry from <see cref="Nodes"/>.
/// <code>{ "controller": { "username": "edge-controller", "password": "…" }, "nodes": { "host-a": "…" } }</code>
/// </summary>
internal sealed record CredentialsFile
{
    public UserCredentials? Controller { get; init; }

    public Dictionary<string, string> Nodes { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Integration users that may submit workflows over MQTT (username to password); optional.</summary>
    public Dictionary<string, string> Submitters { get; init; } = new(StringComparer.Ordinal);
}
