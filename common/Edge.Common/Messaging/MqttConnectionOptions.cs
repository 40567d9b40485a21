namespace Edge.Common.Messaging;

/// <summary>How to reach an MQTT v5 broker. Bound from configuration by both services.</summary>
public sealed record MqttConnectionOptions
{
    /// <summary><c>mqtt://host:port</c> or <c>mqtts://host:port</c> (TLS).</summary>
    public string BrokerUrl { get; set; } = "mqtt://127.0.0.1:1883";

    /// <summary>
    /// Further brokers to fail over to: the nodes of a clustered broker (EMQX, HiveMQ, VerneMQ) or standbys. The
    /// connection tries <see cref="BrokerUrl"/> first and, after each failed connect, the next URL in turn (then
    /// <see cref="BrokerUrl"/> again). Every URL is checked like <see cref="BrokerUrl"/> (scheme, plaintext rule) and
    /// must name the same broker identity: one CA, one username.
    /// </summary>
    public string[] BrokerUrls { get; set; } = [];

    /// <summary><see cref="BrokerUrl"/> then each of <see cref="BrokerUrls"/> not already listed.</summary>
    public IReadOnlyList<string> AllBrokerUrls => [.. new[] { BrokerUrl }.Concat(BrokerUrls).Distinct(StringComparer.Ordinal)];

    /// <summary>Every unusable URL of <see cref="AllBrokerUrls"/>, each message naming it; empty when all are usable.</summary>
    public IReadOnlyList<string> BrokerUrlErrors()
    {
        var errors = new List<string>();
        foreach (var url in AllBrokerUrls)
        {
            var one = this with { BrokerUrl = url, BrokerUrls = [] };
            if (!one.TryParseBroker(out _, out _, out _, out var error))
            {
                errors.Add(error!);
            }
            else if (one.PlaintextError() is { } plaintext)
            {
                errors.Add(plaintext);
            }
        }

        return errors;
    }
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>
    /// A file holding the password, read at each connect (so it can be rotated): either the password alone, or the
    /// controller's one-machine <c>credentials.json</c>, from which the entry for <see cref="Username"/> is taken.
    /// Used when <see cref="Password"/> is empty.
    /// </summary>
    public string? PasswordFile { get; set; }
    /// <summary>Client id; a persistent session is keyed by it, so keep it stable across restarts.</summary>
    public string ClientId { get; set; } = "";
    /// <summary>
    /// PEM file of the CA that signed the broker's certificate (the embedded broker's <c>{DataDirectory}/tls/ca.crt</c>).
    /// When set, the broker's chain must end at this CA alone (custom root trust, the system store is not consulted)
    /// and its certificate must name the URL's host. When empty, the system roots are used.
    /// </summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>Accept a plaintext <c>mqtt://</c> URL whose host is not loopback (password and traffic in clear).</summary>
    public bool AllowPlaintext { get; set; }
    public bool CleanStart { get; set; }
    public uint SessionExpirySeconds { get; set; } = 24 * 3600;
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(15);
    public MqttWill? Will { get; set; }

    /// <summary>
    /// Null when the URL is TLS, loopback or plaintext is explicitly allowed; otherwise why a plaintext URL is refused.
    /// Only literal loopback addresses and <c>localhost</c> count as loopback: a name could resolve anywhere.
    /// </summary>
    public string? PlaintextError()
    {
        if (AllowPlaintext || !TryParseBroker(out var host, out _, out var tls, out _) || tls)
        {
            return null;
        }

        var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
        return loopback ? null : $"broker URL '{BrokerUrl}' is plaintext to a non-loopback host; use mqtts:// with the broker's CA";
    }

    /// <summary>Parses <see cref="BrokerUrl"/>; returns false with a message naming the value when it is not usable.</summary>
    public bool TryParseBroker(out string host, out int port, out bool tls, out string? error)
    {
        host = "";
        port = 0;
        tls = false;
        if (!Uri.TryCreate(BrokerUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "mqtt" && uri.Scheme != "mqtts"))
        {
            error = $"broker URL '{BrokerUrl}' must look like mqtt://host:port or mqtts://host:port";
            return false;
        }

        tls = uri.Scheme == "mqtts";
        host = uri.Host;
        port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? 8883 : 1883) : uri.Port;
        error = null;
        return true;
    }
}
