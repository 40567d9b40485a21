using System.Buffers;
using Edge.Controller.Mqtt;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Controller.Ingest;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// One HTTP endpoint that takes a body, fuzzed over a real socket against a real controller host on loopback:
/// <c>Content-Type: application/json</c>, and <c>Authorization: Bearer</c> with the admin token when the controller
/// wrote <c>{DataDirectory}/admin.token</c>. A 5xx, an error logged, the host stopping or no answer within the
/// timeout is a crash; anything else is an answer, classed by status code and error message.
/// </summary>
internal sealed class HttpBodyTarget : IFuzzTarget
{
    private const int ReleaseEvery = 64;
    private const int MaxBodyBytesRead = 4096;

    private readonly FuzzController _controller;
    private readonly HttpClient _http;
    private readonly string _path;
    private readonly long _maxBodyBytes;
    private long _executions;

    private HttpBodyTarget(FuzzController controller, string method, string path, IReadOnlyList<byte[]> seeds)
    {
        _controller = controller;
        _path = path;
        Method = new HttpMethod(method);
        Seeds = seeds;
        _http = new HttpClient { BaseAddress = controller.Address, Timeout = Timeout.InfiniteTimeSpan };
        var tokenFile = Path.Combine(controller.DataDirectory, "admin.token");
        if (File.Exists(tokenFile))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(tokenFile).Trim());
        }

        HasToken = _http.DefaultRequestHeaders.Authorization is not null;
        _maxBodyBytes = controller.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Edge.Controller.Options.ControllerOptions>>().Value.Http.MaxRequestBodyBytes;
    }

    public string Name => $"http {Method} {_path}";

    public string Description => $"controller HTTP: {Method} {_path} on a real host on loopback ({(HasToken ? "with" : "without")} a bearer token)";

    public IReadOnlyList<byte[]> Seeds { get; }

    private HttpMethod Method { get; }

    private bool HasToken { get; }

    /// <summary>
    /// Starts one controller host per endpoint that accepts a body (POST, PUT, PATCH), found from the host's own
    /// routing table so that endpoints added later are fuzzed too; <paramref name="only"/> filters by name.
    /// </summary>
    public static async Task<List<HttpBodyTarget>> StartAllAsync(Func<string, bool> only)
    {
        var targets = new List<HttpBodyTarget>();
        await using (var probe = await FuzzController.StartAsync("http-probe"))
        {
            foreach (var (method, pattern) in BodyEndpoints(probe.Services))
            {
                if (!only($"http {method} {Concrete(pattern)}"))
                {
                    continue;
                }

                var controller = await FuzzController.StartAsync("http");
                await AnnounceNodesAsync(controller);
                targets.Add(new HttpBodyTarget(controller, method, Concrete(pattern), SeedsFor(pattern)));
            }
        }

        return targets;
    }

    public async Task<FuzzOutcome> ExecuteAsync(byte[] input, CancellationToken cancellationToken)
    {
        if (++_executions % ReleaseEvery == 0)
        {
            await _controller.ReleaseEverythingAsync(cancellationToken);
        }

        var before = _controller.Errors.Total;
        using var request = new HttpRequestMessage(Method, _path) { Content = new ByteArrayContent(input) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        int status;
        string body;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            status = (int)response.StatusCode;
            body = await ReadSomeAsync(response, cancellationToken);
        }
        catch (HttpRequestException) when (input.Length > _maxBodyBytes)
        {
            // The controller answers 413 from Content-Length and closes the connection without reading the body
            // (RequestGate): the client, still sending, sees the connection go. That is the refusal, not a crash.
            return new(OutcomeClass.Of("413", "connection closed: body over the limit"));
        }
        catch (HttpRequestException ex)
        {
            return FuzzOutcome.Crashed("connection", ex.ToString());
        }

        if (status >= 500)
        {
            return FuzzOutcome.Crashed($"http-{status}", body);
        }

        if (_controller.Errors.Total != before)
        {
            return FuzzOutcome.Crashed("error-logged", _controller.Errors.Take() ?? "(error entry dropped)");
        }

        return _controller.Stopped
            ? FuzzOutcome.Crashed("host-stopped", _controller.Failure()!)
            : new(OutcomeClass.Of(status.ToString(System.Globalization.CultureInfo.InvariantCulture), ErrorText(body)));
    }

    public string? TakeBackgroundFailure() => _controller.Failure();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _controller.DisposeAsync();
    }

    private static IEnumerable<(string Method, string Pattern)> BodyEndpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Where(m => m is "POST" or "PUT" or "PATCH")
                .Select(m => (m, "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))))
            .Distinct()
            .OrderBy(e => e.Item2, StringComparer.Ordinal);

    /// <summary>Route parameters get a real node's name (node actions) or a plain id.</summary>
    private static string Concrete(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{\*{0,2}([A-Za-z]+)[^}]*\}", m =>
            m.Groups[1].Value.Contains("node", StringComparison.OrdinalIgnoreCase) ? FuzzController.NodeA : "fuzz-1");

    private static IReadOnlyList<byte[]> SeedsFor(string pattern) => pattern switch
    {
        "/api/workflows" => FuzzSeeds.Submissions(),
        "/api/allocations" => FuzzSeeds.Allocations(),
        _ => [Encoding.UTF8.GetBytes("{}"), .. FuzzSeeds.Allocations().Take(1), .. FuzzSeeds.Submissions().Take(1)],
    };

    /// <summary>Both nodes report in through the controller's real MQTT handler, so allocations can be placed.</summary>
    private static async Task AnnounceNodesAsync(FuzzController controller)
    {
        var handler = controller.Services.GetRequiredService<ControllerMqttLink>().Connection.MessageHandler!;
        var topics = new EdgeTopics();
        foreach (var node in new[] { FuzzController.NodeA, FuzzController.NodeB })
        {
            var status = FuzzSeeds.Statuses(node)[0];
            await handler(new MqttIncoming(topics.NodeStatus(node), new ReadOnlySequence<byte>(status), true), CancellationToken.None);
        }
    }

    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBodyBytesRead];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>The "error" (or first "errors", or the problem's "detail") text of a JSON answer; the raw start of any other body.</summary>
    private static string? ErrorText(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in new[] { "error", "errors", "detail", "reason", "status", "title" })
                {
                    if (root.TryGetProperty(name, out var value))
                    {
                        return name + " " + (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 ? value[0].ToString() : value.ToString());
                    }
                }
            }

            return root.ValueKind.ToString();
        }
        catch (JsonException)
        {
            return body.Length > 80 ? body[..80] : body;
        }
    }
}
