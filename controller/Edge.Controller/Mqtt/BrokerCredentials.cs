using System.Security.Cryptography;
using System.Text;

namespace Edge.Controller.Mqtt;

/// <summary>
/// Who may connect to the embedded broker: the controller's user, one user per node (username = node id), and
/// integration users that may only submit workflows.
/// </summary>
internal sealed class BrokerCredentials
{
    private readonly Dictionary<string, byte[]> _nodes;
    private readonly Dictionary<string, byte[]> _submitters;

    public BrokerCredentials(UserCredentials controller, IReadOnlyDictionary<string, string> nodes, IReadOnlyDictionary<string, string>? submitters = null)
    {
        Controller = controller;
        _nodes = nodes.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value), StringComparer.Ordinal);
        _submitters = (submitters ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value), StringComparer.Ordinal);
    }

    /// <summary>True for an integration user that may only submit workflows.</summary>
    public bool IsSubmitter(string? username) => username is not null && _submitters.ContainsKey(username);

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

        return (_nodes.TryGetValue(username, out var expected) || _submitters.TryGetValue(username, out expected))
            && CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
