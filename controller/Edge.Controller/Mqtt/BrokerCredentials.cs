using System.Security.Cryptography;
using System.Text;

namespace Edge.Controller.Mqtt;

/// <summary>Who may connect to the embedded broker: the controller's user and one user per node (username = node id).</summary>
internal sealed class BrokerCredentials
{
    private readonly Dictionary<string, byte[]> _nodes;

    public BrokerCredentials(UserCredentials controller, IReadOnlyDictionary<string, string> nodes)
    {
        Controller = controller;
        _nodes = nodes.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value), StringComparer.Ordinal);
    }

    public UserCredentials Controller { get; }

    public IReadOnlyCollection<string> NodeIds => _nodes.Keys;

    public bool IsController(string? username) => username == Controller.Username;

    /// <summary>True when the username is known and the password matches (compared in constant time).</summary>
    public bool Verify(string? username, string? password)
    {
        if (username is null || password is null)
        {
            return false;
        }

        var given = Encoding.UTF8.GetBytes(password);
        if (IsController(username))
        {
            return CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(Controller.Password));
        }

        return _nodes.TryGetValue(username, out var expected) && CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
