using Microsoft.AspNetCore.Authorization;

namespace Edge.Controller.Security;

/// <summary>
/// The caller's role must be at least <see cref="Role"/>. Without a role (the fallback policy, applied to every
/// endpoint that declares none) a GET or HEAD needs viewer and any other method needs admin, so an endpoint added
/// later that changes something is closed until it states which role may call it.
/// </summary>
internal sealed class ApiRoleRequirement(ApiRole? role) : AuthorizationHandler<ApiRoleRequirement>, IAuthorizationRequirement
{
    /// <summary>Where the needed role is left for the 403 answer.</summary>
    public const string RequiredKey = "edge:required-role";

    public ApiRole? Role { get; } = role;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiRoleRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        var needed = requirement.Role
            ?? (http is not null && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)) ? ApiRole.Viewer : ApiRole.Admin);
        if (http is not null)
        {
            http.Items[RequiredKey] = ApiRoles.Name(needed);
        }

        var claim = context.User.FindFirst(ApiRoles.ClaimType)?.Value;
        if (ApiRoles.TryParse(claim, out var held) && held >= needed)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
