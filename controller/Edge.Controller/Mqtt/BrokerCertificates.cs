using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.Controller.Options;

namespace Edge.Controller.Mqtt;

/// <summary>
/// The embedded broker's TLS certificate: the operator's PKCS#12 file, or one this class issues. On first start it
/// creates under <c>{DataDirectory}/tls/</c> a CA (ECDSA P-256, 20 years; <c>ca.crt</c> world-readable so it can be
/// copied to nodes, <c>ca.key</c> 0600) and a server certificate signed by it (<c>server.crt</c>, <c>server.key</c>
/// 0600; 2 years) naming this host, <c>localhost</c>, the loopback addresses, a specific bind address and
/// <see cref="BrokerTlsOptions.ServerNames"/>. The server certificate is reissued from the same CA when a name is
/// missing or it expires within 30 days, so nodes that pinned <c>ca.crt</c> keep working.
/// </summary>
internal static class BrokerCertificates
{
    public const string DirectoryName = "tls";
    public const string CaCertificateFile = "ca.crt";
    private const string CaKeyFile = "ca.key";
    private const string ServerCertificateFile = "server.crt";
    private const string ServerKeyFile = "server.key";

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static string Directory(ControllerOptions options) => Path.Combine(Path.GetFullPath(options.DataDirectory), DirectoryName);

    /// <summary>The certificate (with private key) the TLS endpoint presents.</summary>
    public static X509Certificate2 Load(ControllerOptions options, string hostName, TimeProvider time)
    {
        var tls = options.Broker.Tls;
        if (!string.IsNullOrEmpty(tls.CertificateFile))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(tls.CertificateFile, tls.CertificatePassword);
        }

        var dir = Directory(options);
        System.IO.Directory.CreateDirectory(dir);
        var now = time.GetUtcNow();
        using var ca = LoadOrCreateCa(dir, hostName, now);
        var names = ServerNames(options, hostName);
        var serverCrt = Path.Combine(dir, ServerCertificateFile);
        var serverKey = Path.Combine(dir, ServerKeyFile);
        if (File.Exists(serverCrt) && File.Exists(serverKey))
        {
            var existing = X509Certificate2.CreateFromPemFile(serverCrt, serverKey);
            if (existing.NotAfter > now.AddDays(30).UtcDateTime && Names(existing).IsSupersetOf(names.Select(n => n.ToLowerInvariant())) && IssuedBy(existing, ca))
            {
                return Exportable(existing);
            }

            existing.Dispose();
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca, now.AddMinutes(-5), now.AddYears(2), serial);
        Write(serverKey, key.ExportPkcs8PrivateKeyPem() + "\n", Private);
        // ExportCertificatePem ends without a newline; PEM blocks need one between them.
        Write(serverCrt, issued.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n", Public);
        return Exportable(issued.CopyWithPrivateKey(key));
    }

    /// <summary>This host's name, localhost, loopback, a specific bind address and the configured names, without duplicates.</summary>
    public static IReadOnlyList<string> ServerNames(ControllerOptions options, string hostName)
    {
        var names = new List<string> { hostName, "localhost", "127.0.0.1", "::1" };
        if (IPAddress.TryParse(options.Broker.Tls.BindAddress, out var bind) && !bind.Equals(IPAddress.Any) && !bind.Equals(IPAddress.IPv6Any))
        {
            names.Add(bind.ToString());
        }

        names.AddRange(options.Broker.Tls.ServerNames);
        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static X509Certificate2 LoadOrCreateCa(string dir, string hostName, DateTimeOffset now)
    {
        var crt = Path.Combine(dir, CaCertificateFile);
        var keyFile = Path.Combine(dir, CaKeyFile);
        if (File.Exists(crt) && File.Exists(keyFile))
        {
            return X509Certificate2.CreateFromPemFile(crt, keyFile);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=Edge controller CA ({hostName})", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(20));
        Write(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n", Private);
        Write(crt, ca.ExportCertificatePem() + "\n", Public);
        return ca;
    }

    private static HashSet<string> Names(X509Certificate2 certificate)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            names.UnionWith(extension.EnumerateDnsNames());
            names.UnionWith(extension.EnumerateIPAddresses().Select(ip => ip.ToString()));
        }

        return names;
    }

    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>SslStream on some platforms cannot use a PEM-loaded ephemeral key; a PKCS#12 round trip gives a persisted one.</summary>
    private static X509Certificate2 Exportable(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }

    private static void Write(string path, string text, UnixFileMode mode) =>
        Security.PrivateFiles.WriteAtomic(path, System.Text.Encoding.UTF8.GetBytes(text), mode);
}
