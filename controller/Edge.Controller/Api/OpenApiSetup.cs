using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

namespace Edge.Controller.Api;

/// <summary>
/// The OpenAPI 3.1 document generated from the endpoints (Microsoft.AspNetCore.OpenApi), served at
/// <c>/openapi/v1.json</c> to viewer tokens like the rest of the API. It declares the bearer scheme once, requires
/// it on every operation except the anonymous probes, states each operation's minimum role in its description and
/// declares its 401 and 403 problem answers.
/// </summary>
internal static class OpenApiSetup
{
    public const string DocumentName = "v1";
    public const string SchemeName = "bearer";

    public static IServiceCollection AddEdgeOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Edge controller API",
                    Version = "v1",
                    Description = "Nodes, workflow runs, components (forecasts against actuals), allocations, the queue and tokens. "
                        + "Send 'Authorization: Bearer <token>'; roles are viewer < submitter < operator < admin. Errors are RFC 9457 problem details.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API token (edgectl token create NAME --role ROLE; the first admin token is the controller's admin.token).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security = [];
                    return;
                }

                var policy = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
                var role = policy ?? (HttpMethods.IsGet(context.Description.HttpMethod ?? "") ? Security.ApiPolicies.Viewer : Security.ApiPolicies.Admin);
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] }];
                operation.Description = $"Needs a {role} token or above." + (operation.Description is { Length: > 0 } d ? " " + d : "");

                // Every authenticated operation can answer 401 and 403 (from the authentication handler), declared or not.
                operation.Responses ??= [];
                foreach (var (code, text) in new[] { ("401", "No, a malformed or an unknown bearer token"), ("403", $"The token's role is below {role}") })
                {
                    if (!operation.Responses.ContainsKey(code))
                    {
                        var schema = await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), null, cancellationToken);
                        operation.Responses[code] = new OpenApiResponse
                        {
                            Description = text,
                            Content = new Dictionary<string, OpenApiMediaType> { [ApiProblems.ContentType] = new() { Schema = schema } },
                        };
                    }
                }
            });
        });
}
