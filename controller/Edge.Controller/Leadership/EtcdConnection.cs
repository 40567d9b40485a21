using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Etcdserverpb;
using Grpc.Core;
using Grpc.Net.Client;

namespace Edge.Controller.Leadership;

/// <summary>
/// gRPC channels to the etcd members (one per endpoint, TLS pinned to <see cref="ClusterOptions.CaCertificateFile"/>,
/// optional client certificate) and the etcd v3 clients generated in <c>dotnet-etcd</c>. Requests go to one member;
/// when it fails (unavailable, deadline) the next one is used, so a dead member costs one request. With
/// <see cref="ClusterOptions.Username"/> the connection authenticates (etcd's <c>Auth.Authenticate</c>) and sends the
/// token with each call, re-authenticating when etcd says the token is no longer valid.
/// </summary>
internal sealed class EtcdConnection : IDisposable
{
    private readonly ClusterOptions _options;
    private readonly GrpcChannel[] _channels;
    private readonly string[] _urls;
    private int _current;
    private string? _token;

    public EtcdConnection(ClusterOptions options, int? maxReceiveMessageBytes = null)
    {
        _options = options;
        _urls = [.. options.Etcd];
        _channels = [.. _urls.Select(url => CreateChannel(url, options, maxReceiveMessageBytes))];
    }

    /// <summary>The endpoint requests go to now.</summary>
    public string CurrentUrl => _urls[Volatile.Read(ref _current) % _urls.Length];

    public KV.KVClient Kv => new(Channel);

    public Lease.LeaseClient Lease => new(Channel);

    public Watch.WatchClient Watch => new(Channel);

    private GrpcChannel Channel => _channels[Volatile.Read(ref _current) % _channels.Length];

    /// <summary>Call options with the auth token (authenticating first when needed) and a deadline.</summary>
    public async Task<CallOptions> OptionsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        if (string.IsNullOrEmpty(_options.Username))
        {
            return new CallOptions(deadline: deadline, cancellationToken: cancellationToken);
        }

        if (_token is null)
        {
            var password = (await File.ReadAllTextAsync(_options.PasswordFile!, cancellationToken)).TrimEnd('\r', '\n');
            var reply = await new Auth.AuthClient(Channel).AuthenticateAsync(new AuthenticateRequest { Name = _options.Username, Password = password }, deadline: deadline, cancellationToken: cancellationToken);
            _token = reply.Token;
        }

        return new CallOptions(headers: [new Metadata.Entry("token", _token)], deadline: deadline, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Called with every failed request: a member that is down or cut off is left for the next one; a token etcd no
    /// longer accepts is dropped so the next request authenticates again.
    /// </summary>
    public void Failed(Exception exception)
    {
        if (exception is RpcException rpc)
        {
            if (rpc.StatusCode == StatusCode.Unauthenticated || rpc.Status.Detail.Contains("auth token", StringComparison.OrdinalIgnoreCase))
            {
                _token = null;
                return;
            }

            if (rpc.StatusCode is StatusCode.PermissionDenied or StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.NotFound)
            {
                return;
            }
        }

        Interlocked.Increment(ref _current);
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private static TimeSpan AtLeastOneSecond(TimeSpan value) => value < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : value;

    private static GrpcChannel CreateChannel(string url, ClusterOptions options, int? maxReceiveMessageBytes)
    {
        // HTTP/2 pings cannot be more frequent than once a second (SocketsHttpHandler refuses a shorter delay or
        // timeout with an exception that stopped the controller at start): sub-second KeepAliveInterval and
        // RequestTimeout, which the validator allows, still govern the lease renewals and requests themselves.
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.RequestTimeout,
            KeepAlivePingDelay = AtLeastOneSecond(options.KeepAliveInterval),
            KeepAlivePingTimeout = AtLeastOneSecond(options.RequestTimeout),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            EnableMultipleHttp2Connections = true,
        };
        if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var ssl = new SslClientAuthenticationOptions();
            if (!string.IsNullOrEmpty(options.ClientCertificateFile))
            {
                ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientKeyFile)];
            }

            if (!string.IsNullOrEmpty(options.CaCertificateFile))
            {
                var ca = X509CertificateLoader.LoadCertificateFromFile(options.CaCertificateFile);
                ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedByPinnedCa(certificate, errors, ca);
            }

            handler.SslOptions = ssl;
        }

        return GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true, MaxReceiveMessageSize = maxReceiveMessageBytes ?? 4 * 1024 * 1024 });
    }

    /// <summary>The server's chain ends at the pinned CA alone and its certificate names the host (no other error).</summary>
    private static bool TrustedByPinnedCa(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2 ca)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
