namespace Edge.Agent.Configuration;

/// <summary>
/// The agent's own Prometheus endpoint (section <c>Agent:Prometheus</c>), off unless <see cref="Listen"/> is set.
/// See agent/Edge.Agent/README.md, "Metrics endpoint".
/// </summary>
internal sealed record PrometheusOptions
{
    /// <summary><c>ip:port</c> (e.g. <c>127.0.0.1:9478</c>, <c>[::1]:9478</c>, <c>0.0.0.0:9478</c>); empty: no endpoint.</summary>
    public string Listen { get; set; } = "";

    /// <summary>
    /// File holding the bearer token scrapers must send (<c>Authorization: Bearer ...</c>). Required when
    /// <see cref="Listen"/> is not a loopback address; when set, enforced on loopback too.
    /// </summary>
    public string? BearerTokenFile { get; set; }

    /// <summary>Connections served at once; more are answered 503 and closed.</summary>
    public int MaxConnections { get; set; } = 4;

    /// <summary>How long a connection may take to send its request and receive the answer.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
