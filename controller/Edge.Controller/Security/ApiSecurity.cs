using Edge.Controller.Options;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Security;

/// <summary>
/// Wires the API's protections: the request gate (host, media type, size), bearer-token authentication and role
/// policies. The fallback policy covers every endpoint that declares none: authenticated, viewer for GET/HEAD and
/// admin for anything else. Only endpoints marked <c>AllowAnonymous</c> (<c>/healthz</c>, <c>/readyz</c>) skip it; loopback callers
/// are not exempt.
/// </summary>
internal static class ApiSecurity
{
    public static IServiceCollection AddApiSecurity(this IServiceCollection services)
    {
        services.AddSingleton<ApiTokenStore>();
        services.AddSingleton<ApiTokenBootstrap>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiTokenBootstrap>());
        services.AddSingleton(sp => new ApiSecurityMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<ApiLogThrottle>();
        services.AddAuthentication(ApiTokenAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(o =>
        {
            foreach (var role in Enum.GetValues<ApiRole>())
            {
                o.AddPolicy(ApiRoles.Name(role), p => p.RequireAuthenticatedUser().AddRequirements(new ApiRoleRequirement(role)));
            }

            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new ApiRoleRequirement(null)).Build();
        });
        return services;
    }

    /// <summary>
    /// Problem details for error statuses nothing wrote a body for (unknown route, wrong method), then the gate,
    /// authentication and authorization; call before mapping endpoints.
    /// </summary>
    public static WebApplication UseApiSecurity(this WebApplication app)
    {
        app.UseStatusCodePages(Api.ApiProblems.StatusCodePageAsync);
        app.UseMiddleware<RequestGate>();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Kestrel's own body limit, matching the gate's.</summary>
    public static void LimitKestrel(IServiceCollection services) =>
        services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<ControllerOptions>>((kestrel, options) => kestrel.Limits.MaxRequestBodySize = options.Value.Http.MaxRequestBodyBytes);
}
