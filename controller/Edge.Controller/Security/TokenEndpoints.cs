using System.Text.Json;
using Edge.Controller.Api;

namespace Edge.Controller.Security;

/// <summary>
/// Admin only: <c>POST /api/tokens</c> (<c>{"name":"ci","role":"submitter"}</c>, optionally <c>"expiresAt"</c>; 201 with the token, shown once; 400
/// bad name or role; 409 name taken), <c>GET /api/tokens</c> (names, roles, creation times; never a token or hash),
/// <c>DELETE /api/tokens/{name}</c> (204; revoked at once; 404 unknown; 409 configured). A change the state store
/// refuses (full disk, fenced, etcd unreachable) is 503 with nothing changed.
/// </summary>
internal static class TokenEndpoints
{
    public static IEndpointRouteBuilder MapTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/tokens").WithTags("Tokens");
        tokens.MapGet("", (ApiTokenStore store) => TypedResults.Json(store.List(), ApiJson.Edge.IReadOnlyListTokenInfo))
            .Requires(ApiPolicies.Admin).WithName("ListTokens").Produces<IReadOnlyList<TokenInfo>>(StatusCodes.Status200OK);
        tokens.MapPost("", CreateAsync)
            .Requires(ApiPolicies.Admin).WithName("CreateToken").Accepts<TokenCreateRequest>("application/json")
            .Produces<TokenCreated>(StatusCodes.Status201Created).Problems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);
        tokens.MapDelete("/{name}", (string name, ApiTokenStore store) => store.Revoke(name) is { } error ? Error(error) : Results.NoContent())
            .Requires(ApiPolicies.Admin).WithName("RevokeToken").Produces(StatusCodes.Status204NoContent)
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest http, ApiTokenStore store, CancellationToken cancellationToken)
    {
        TokenCreateRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(http.Body, SecurityJsonContext.Default.TokenCreateRequest, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Error(StatusCodes.Status400BadRequest, $"the body is not a token request {{\"name\":…,\"role\":…}}: {ex.Message}");
        }

        if (request is null)
        {
            return Error(StatusCodes.Status400BadRequest, "the body is null; send {\"name\":…,\"role\":…}");
        }

        if (store.TryCreate(request.Name, request.Role, out var created, request.ExpiresAt) is { } error)
        {
            return Error(error);
        }

        http.HttpContext.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(created!, ApiJson.Edge.TokenCreated, statusCode: StatusCodes.Status201Created);
    }

    private static IResult Error(int status, string message) => Api.ApiProblems.Result(status, message);

    private static IResult Error(TokenStoreError error) => Error(
        error.Kind switch
        {
            TokenStoreErrorKind.Invalid => StatusCodes.Status400BadRequest,
            TokenStoreErrorKind.Conflict => StatusCodes.Status409Conflict,
            TokenStoreErrorKind.NotFound => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status503ServiceUnavailable,
        },
        error.Message);
}
