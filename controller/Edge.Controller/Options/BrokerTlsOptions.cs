namespace Edge.Controller.Options;

/// <summary>
/// The embedded broker's TLS endpoint, on by default. Without <see cref="CertificateFile"/> the controller creates
/// a CA and a server certificate under <c>{DataDirectory}/tls/</c> on first start (see <c>BrokerCertificates</c>);
/// nodes pin <c>ca.crt</c>.
/// </summary>
internal sealed record BrokerTlsOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>Address the TLS endpoint binds to; any interface by default so remote agents can connect.</summary>
    public string BindAddress { get; init; } = "0.0.0.0";

    public int Port { get; init; } = 8883;

    /// <summary>The operator's PKCS#12 (.pfx) file with certificate and private key; generated when empty.</summary>
    public string CertificateFile { get; init; } = "";

    public string? CertificatePassword { get; init; }

    /// <summary>
    /// Extra DNS names and IP addresses the generated server certificate names (besides this host's name,
    /// <c>localhost</c>, the loopback addresses and a specific <see cref="BindAddress"/>): the names agents use in
    /// their <c>mqtts://</c> URL. The server certificate is reissued from the same CA when this list grows.
    /// </summary>
    public IReadOnlyList<string> ServerNames { get; init; } = [];

    /// <summary>How long a TLS handshake may take before the socket is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
