using Edge.Controller.Options;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Security;

/// <summary>
/// Runs before authentication and refuses, each with a problem-details error naming the value, counted and logged (throttled):
/// a Host header not in <see cref="HttpOptions.EffectiveAllowedHosts"/> (400; a browser led to the API by DNS
/// rebinding sends the attacker's host name), a POST/PUT/PATCH body that is not <c>application/json</c> (415; HTML
/// forms and <c>text/plain</c> fetches need no CORS preflight) and a body over
/// <see cref="HttpOptions.MaxRequestBodyBytes"/> (413, from Content-Length or while reading a chunked body).
/// </summary>
internal sealed partial class RequestGate
{
    private readonly RequestDelegate _next;
    private readonly HashSet<string> _hosts;
    private readonly bool _anyHost;
    private readonly long _maxBody;
    private readonly ApiSecurityMetrics _metrics;
    private readonly ApiLogThrottle _throttle;
    private readonly ILogger<RequestGate> _logger;

    public RequestGate(RequestDelegate next, IOptions<ControllerOptions> options, ApiSecurityMetrics metrics, ApiLogThrottle throttle, ILogger<RequestGate> logger)
    {
        _next = next;
        var hosts = options.Value.Http.EffectiveAllowedHosts();
        _anyHost = hosts.Contains("*");
        _hosts = new HashSet<string>(hosts, StringComparer.OrdinalIgnoreCase);
        _maxBody = options.Value.Http.MaxRequestBodyBytes;
        _metrics = metrics;
        _throttle = throttle;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!_anyHost && !_hosts.Contains(request.Host.Host))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "host", $"Host '{Shorten(request.Host.Value ?? "(none)")}' is not one this API answers to (Controller:Http:AllowedHosts)");
            return;
        }

        if (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        {
            if (request.ContentLength > _maxBody)
            {
                await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "too_large", $"the body is {request.ContentLength} bytes, more than the limit of {_maxBody} (Controller:Http:MaxRequestBodyBytes)");
                return;
            }

            if (HasBody(request) && !IsJson(request.ContentType))
            {
                await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "media_type", $"Content-Type '{Shorten(request.ContentType ?? "(none)")}' is not application/json; the API takes JSON only");
                return;
            }
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = _maxBody;
        }

        try
        {
            await _next(context);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "too_large", $"the body is more than the limit of {_maxBody} bytes (Controller:Http:MaxRequestBodyBytes)");
        }
    }

    private static bool HasBody(HttpRequest request) => request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsJson(string? contentType) =>
        contentType is not null && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.Type.Equals("application", StringComparison.OrdinalIgnoreCase) && media.SubType.Value?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) == true));

    private async Task RefuseAsync(HttpContext context, int status, string reason, string message)
    {
        _metrics.Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        if (_throttle.ShouldLog("gate:" + reason, out var suppressed))
        {
            LogRefused(_logger, context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress?.ToString() ?? "?", status, message, suppressed);
        }

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status413PayloadTooLarge)
        {
            // The unread body stays on the wire; the connection cannot carry another request.
            context.Response.Headers.Connection = "close";
        }

        await ApiErrors.WriteAsync(context, status, message);
    }

    private static string Shorten(string value)
    {
        var s = value.Length > 100 ? value[..100] + "…" : value;
        return string.Concat(s.Select(c => char.IsControl(c) ? '?' : c));
    }

    [LoggerMessage(EventId = 9020, Level = LogLevel.Warning, Message = "API: refused {Method} {Path} from {Remote} with {Status}: {Message}; {Suppressed} more since the last such line")]
    private static partial void LogRefused(ILogger logger, string method, string path, string remote, int status, string message, long suppressed);
}
