namespace Edge.Controller.Security;

/// <summary>Authorization policy names; endpoints declare one with <c>RequireAuthorization(ApiPolicies.X)</c>.</summary>
internal static class ApiPolicies
{
    public const string Viewer = ApiRoles.Viewer;
    public const string Submitter = ApiRoles.Submitter;
    public const string Operator = ApiRoles.Operator;
    public const string Admin = ApiRoles.Admin;
}
