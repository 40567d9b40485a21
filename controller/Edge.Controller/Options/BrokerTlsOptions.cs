namespace Edge.Controller.Options;

/// <summary>An optional TLS endpoint of the embedded broker.</summary>
internal sealed record BrokerTlsOptions
{
    /// <summary>PKCS#12 (.pfx) file holding the certificate and its private key.</summary>
    public string CertificateFile { get; init; } = "";

    public string? CertificatePassword { get; init; }

    public int Port { get; init; } = 8883;
}
