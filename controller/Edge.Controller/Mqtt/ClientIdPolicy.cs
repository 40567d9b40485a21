namespace Edge.Controller.Mqtt;

/// <summary>
/// Binds MQTT client ids to usernames, so that no identity can resume (or knock off) another identity's persistent
/// session: MQTTnet keys sessions by client id alone and checks later subscriptions against the user who connects,
/// so node <c>a</c> connecting as <c>edge-controller</c> with CleanStart=0 would otherwise inherit the controller's
/// subscriptions. The controller's user may only use <see cref="ControllerClientId"/> (or, for tools that act as the
/// controller, <c>edge-controller-*</c>), node <c>X</c> only <c>agent-X</c>, an integration user <c>U</c> only ids
/// starting <c>U-</c> outside those two reserved namespaces.
/// </summary>
internal sealed class ClientIdPolicy
{
    /// <summary>The client id of the controller's own connection (the embedded broker's <c>ControllerMqttLink</c>).</summary>
    public const string ControllerClientId = "edge-controller";

    /// <summary>Prefix of a node agent's client id: <c>agent-{node}</c>.</summary>
    public const string AgentPrefix = "agent-";

    private readonly BrokerCredentials _credentials;

    public ClientIdPolicy(BrokerCredentials credentials) => _credentials = credentials;

    /// <summary>The id the server assigns when a client leaves it empty (MQTT 5): the identity's own id.</summary>
    public string AssignFor(string? username) => _credentials.IsController(username) ? ControllerClientId
        : _credentials.IsSubmitter(username) ? $"{username}-{Guid.NewGuid():N}"
        : AgentPrefix + username;

    private static bool IsControllerId(string clientId) =>
        clientId == ControllerClientId || clientId.StartsWith(ControllerClientId + "-", StringComparison.Ordinal);

    /// <summary>Null when <paramref name="username"/> may use <paramref name="clientId"/>; else why not.</summary>
    public string? Check(string? username, string clientId)
    {
        if (username is null)
        {
            return "no username";
        }

        if (_credentials.IsController(username))
        {
            return IsControllerId(clientId) ? null : $"the controller's user must use client id '{ControllerClientId}' (or '{ControllerClientId}-...')";
        }

        if (_credentials.IsSubmitter(username))
        {
            return clientId.StartsWith(username + "-", StringComparison.Ordinal) && clientId.Length > username.Length + 1
                && !IsControllerId(clientId) && !clientId.StartsWith(AgentPrefix, StringComparison.Ordinal)
                ? null
                : $"integration user '{username}' must use a client id '{username}-...' outside '{ControllerClientId}[-...]' and '{AgentPrefix}...'";
        }

        var expected = AgentPrefix + username;
        return clientId == expected ? null : $"node '{username}' must use client id '{expected}'";
    }
}
