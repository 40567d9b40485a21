using System.Diagnostics.CodeAnalysis;

namespace Edge.Controller.Security;

/// <summary>Role names as written in token files, configuration and the API (lower case), and the policy of each.</summary>
internal static class ApiRoles
{
    /// <summary>The claim type that carries a caller's role.</summary>
    public const string ClaimType = "edge:role";

    public const string Viewer = "viewer";
    public const string Submitter = "submitter";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static IReadOnlyList<string> Names { get; } = [Viewer, Submitter, Operator, Admin];

    public static string Name(ApiRole role) => role switch
    {
        ApiRole.Viewer => Viewer,
        ApiRole.Submitter => Submitter,
        ApiRole.Operator => Operator,
        ApiRole.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a role"),
    };

    public static bool TryParse(string? name, [NotNullWhen(true)] out ApiRole? role)
    {
        role = name switch
        {
            Viewer => ApiRole.Viewer,
            Submitter => ApiRole.Submitter,
            Operator => ApiRole.Operator,
            Admin => ApiRole.Admin,
            _ => null,
        };
        return role is not null;
    }
}
