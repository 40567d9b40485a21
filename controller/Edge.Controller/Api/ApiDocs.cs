namespace Edge.Controller.Api;

/// <summary>Declares an endpoint's role and its authentication problems (401, 403) in one call, for the OpenAPI document.</summary>
internal static class ApiDocs
{
    /// <summary>Requires <paramref name="policy"/> (<see cref="Security.ApiPolicies"/>) and documents the 401 and 403 problems.</summary>
    public static RouteHandlerBuilder Requires(this RouteHandlerBuilder builder, string policy) =>
        builder.RequireAuthorization(policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

    /// <summary>Documents problem answers with the given statuses.</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }
}
