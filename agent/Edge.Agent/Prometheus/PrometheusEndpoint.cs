using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Edge.Agent.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Prometheus;

/// <summary>
/// <c>GET /metrics</c> on <c>Agent:Prometheus:Listen</c>, a minimal HTTP/1.1 server on a socket (one request per
/// connection, then close): no web framework in the agent, so the endpoint costs a listening socket and a parked
/// accept. At most <c>MaxConnections</c> at once (more get 503), each bounded by <c>RequestTimeout</c> and an 8 KiB
/// request head; with a bearer token file every request must carry the token (401 otherwise, compared in constant
/// time). Refusals are logged naming the reason and counted (<c>edge_agent_prometheus_refused_total</c>).
/// </summary>
internal sealed partial class PrometheusEndpoint : BackgroundService
{
    private const int MaxHead = 8192;

    private readonly PrometheusOptions _options;
    private readonly PrometheusExposition _exposition;
    private readonly AgentMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly TaskCompletionSource<EndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _expectedAuthorization;

    public PrometheusEndpoint(IOptions<AgentOptions> options, PrometheusExposition exposition, AgentMetrics metrics, ILogger<PrometheusEndpoint> logger)
    {
        _options = options.Value.Prometheus;
        _exposition = exposition;
        _metrics = metrics;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConnections, _options.MaxConnections);
    }

    /// <summary>The address actually bound (port 0 in the options gets a free one); completes once listening.</summary>
    public Task<EndPoint> Bound => _bound.Task;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(_options.BearerTokenFile))
        {
            // Read at start: a missing or empty token file stops the agent with the path named, rather than serving open.
            string token;
            try
            {
                token = File.ReadAllText(_options.BearerTokenFile).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"Agent:Prometheus:BearerTokenFile '{_options.BearerTokenFile}' cannot be read: {ex.Message}", ex);
            }

            if (token.Length < 16)
            {
                throw new InvalidOperationException($"Agent:Prometheus:BearerTokenFile '{_options.BearerTokenFile}' must hold a token of at least 16 characters");
            }

            _expectedAuthorization = Encoding.ASCII.GetBytes("Bearer " + token);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrEmpty(_options.Listen) || !ListenAddress.TryParse(_options.Listen, out var endPoint, out _))
        {
            return;
        }

        using var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(endPoint);
        listener.Listen(16);
        _bound.TrySetResult(listener.LocalEndPoint!);
        LogListening(listener.LocalEndPoint!.ToString()!, _expectedAuthorization is null ? "no token: loopback only" : "bearer token required");
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException)
            {
                continue;
            }

            if (!_slots.Wait(0, CancellationToken.None))
            {
                _ = RefuseBusyAsync(client);
                continue;
            }

            _ = ServeAsync(client, stoppingToken);
        }
    }

    private async Task RefuseBusyAsync(Socket client)
    {
        using (client)
        {
            Refused(client, "busy", $"more than {_options.MaxConnections} connections at once");
            using var timeout = new CancellationTokenSource(_options.RequestTimeout);
            await TrySendAsync(client, 503, "Service Unavailable", "too many concurrent scrapes\n", timeout.Token);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stoppingToken)
    {
        var remote = client.RemoteEndPoint?.ToString() ?? "?";
        try
        {
            using (client)
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                timeout.CancelAfter(_options.RequestTimeout);
                await HandleAsync(client, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            Refused(remote, "timeout", $"no complete request within {_options.RequestTimeout}");
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            LogConnectionFailed(remote, ex);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task HandleAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHead];
        var length = 0;
        int end;
        while ((end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (length == buffer.Length)
            {
                Refused(client, "bad_request", $"request head longer than {MaxHead} bytes");
                await TrySendAsync(client, 431, "Request Header Fields Too Large", $"request head longer than {MaxHead} bytes\n", cancellationToken);
                return;
            }

            var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return;
            }

            length += read;
        }

        var head = Encoding.ASCII.GetString(buffer, 0, end);
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            var shown = lines[0].Length > 80 ? lines[0][..80] + "..." : lines[0];
            Refused(client, "bad_request", $"request line '{shown}' is not 'METHOD /path HTTP/1.x'");
            await TrySendAsync(client, 400, "Bad Request", $"request line '{shown}' is not 'METHOD /path HTTP/1.x'\n", cancellationToken);
            return;
        }

        if (_expectedAuthorization is { } expected && !Authorized(lines, expected))
        {
            Refused(client, "unauthorized", "missing or wrong bearer token");
            await TrySendAsync(client, 401, "Unauthorized", "a bearer token is required\n", cancellationToken, "WWW-Authenticate: Bearer realm=\"edge-agent\"\r\n");
            return;
        }

        var path = requestLine[1];
        var query = path.IndexOf('?', StringComparison.Ordinal);
        if ((query < 0 ? path : path[..query]) != "/metrics")
        {
            Refused(client, "not_found", $"path '{(path.Length > 80 ? path[..80] + "..." : path)}' is not /metrics");
            await TrySendAsync(client, 404, "Not Found", "only /metrics is served\n", cancellationToken);
            return;
        }

        if (requestLine[0] is not ("GET" or "HEAD"))
        {
            Refused(client, "method", $"method '{requestLine[0]}' is not GET or HEAD");
            await TrySendAsync(client, 405, "Method Not Allowed", $"method '{requestLine[0]}' is not GET or HEAD\n", cancellationToken, "Allow: GET, HEAD\r\n");
            return;
        }

        _metrics.ScrapesServed.Add(1);
        var body = Encoding.UTF8.GetBytes(_exposition.Render());
        await SendAsync(client, 200, "OK", PrometheusText.ContentType, body, includeBody: requestLine[0] == "GET", "", cancellationToken);
    }

    private static bool Authorized(string[] lines, byte[] expected)
    {
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                var value = Encoding.ASCII.GetBytes(line[(colon + 1)..].Trim());
                return CryptographicOperations.FixedTimeEquals(value, expected);
            }
        }

        return false;
    }

    private void Refused(Socket client, string reason, string detail) => Refused(client.RemoteEndPoint?.ToString() ?? "?", reason, detail);

    private void Refused(string remote, string reason, string detail)
    {
        _metrics.ScrapesRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        LogRefused(remote, detail);
    }

    private static async Task TrySendAsync(Socket client, int status, string reason, string message, CancellationToken cancellationToken, string extraHeaders = "")
    {
        try
        {
            await SendAsync(client, status, reason, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message), includeBody: true, extraHeaders, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            // The client went away or stalled: nothing more to tell it.
        }
    }

    private static async Task SendAsync(Socket client, int status, string reason, string contentType, byte[] body, bool includeBody, string extraHeaders, CancellationToken cancellationToken)
    {
        var header = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n{extraHeaders}Connection: close\r\n\r\n");
        await client.SendAsync(header, SocketFlags.None, cancellationToken);
        if (includeBody)
        {
            await client.SendAsync(body, SocketFlags.None, cancellationToken);
        }

        client.Shutdown(SocketShutdown.Send);
    }
}
