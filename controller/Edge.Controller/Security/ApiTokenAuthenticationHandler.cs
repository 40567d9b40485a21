using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c> against <see cref="ApiTokenStore"/>. No cookies and no other scheme,
/// so a browser cannot send a credential on its own (a cross-site request carries no bearer header). 401 answers
/// carry <c>WWW-Authenticate: Bearer</c> and a problem-details error; 403 names the role that was needed. Both are counted and
/// logged (throttled) with the client address and path, never the token.
/// </summary>
internal sealed partial class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiTokenStore tokens,
    ApiSecurityMetrics metrics,
    ApiLogThrottle throttle) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "EdgeBearer";
    private const string FailureKey = "edge:auth-failure";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count == 0)
        {
            Context.Items[FailureKey] = "missing";
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var value = header.Count == 1 ? header[0] : null;
        if (value is null || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || value.Length <= 7 || value.Length > 512)
        {
            Context.Items[FailureKey] = "malformed";
            return Task.FromResult(AuthenticateResult.Fail("the Authorization header is not 'Bearer <token>'"));
        }

        if (tokens.Authenticate(value[7..].Trim()) is not { } token)
        {
            Context.Items[FailureKey] = tokens.Stale ? "stale" : "unknown";
            return Task.FromResult(AuthenticateResult.Fail("the bearer token is not known (revoked or mistyped)"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, token.Name), new Claim(ApiRoles.ClaimType, token.Role)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var reason = Context.Items[FailureKey] as string ?? "missing";
        metrics.Unauthenticated.Add(1, new KeyValuePair<string, object?>("reason", reason));
        if (throttle.ShouldLog("401:" + reason, out var suppressed))
        {
            LogUnauthenticated(Logger, Request.Method, Request.Path, Context.Connection.RemoteIpAddress?.ToString() ?? "?", reason, suppressed);
        }

        var message = reason switch
        {
            "missing" => "authentication required: send 'Authorization: Bearer <token>' (the admin token is in the controller's data directory, admin.token)",
            "malformed" => "the Authorization header is not 'Bearer <token>'",
            "stale" => "this controller cannot read the token store (etcd unreachable), so it accepts no stored token; use another controller, or a token from Controller:Http:Tokens",
            _ => "the bearer token is not valid (unknown or revoked)",
        };
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = reason == "missing" ? "Bearer realm=\"edge\"" : "Bearer realm=\"edge\", error=\"invalid_token\"";
        await ApiErrors.WriteAsync(Context, StatusCodes.Status401Unauthorized, message);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var required = Context.Items[ApiRoleRequirement.RequiredKey] as string ?? "?";
        var name = Context.User.Identity?.Name ?? "?";
        var role = Context.User.FindFirst(ApiRoles.ClaimType)?.Value ?? "?";
        metrics.Forbidden.Add(1, new KeyValuePair<string, object?>("required", required));
        if (throttle.ShouldLog("403:" + name, out var suppressed))
        {
            LogForbidden(Logger, Request.Method, Request.Path, name, role, required, suppressed);
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
        await ApiErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, $"token '{name}' has role '{role}'; {Request.Method} {Request.Path} needs '{required}' or above");
    }

    [LoggerMessage(EventId = 9010, Level = LogLevel.Warning, Message = "API: refused {Method} {Path} from {Remote} with 401 ({Reason} token); {Suppressed} more since the last such line")]
    private static partial void LogUnauthenticated(ILogger logger, string method, string path, string remote, string reason, long suppressed);

    [LoggerMessage(EventId = 9011, Level = LogLevel.Warning, Message = "API: refused {Method} {Path} to token '{Token}' (role {Role}) with 403: needs {Required}; {Suppressed} more since the last such line")]
    private static partial void LogForbidden(ILogger logger, string method, string path, string token, string role, string required, long suppressed);
}
