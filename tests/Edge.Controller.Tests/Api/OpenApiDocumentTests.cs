using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Edge.Controller.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace Edge.Controller.Tests.Api;

/// <summary>
/// The OpenAPI document a real controller serves describes every API route it maps (enumerated from the live
/// <see cref="EndpointDataSource"/>): each operation has a 2xx answer with a JSON schema (unless it answers 204),
/// states its problem answers and its authentication. An endpoint added without that metadata fails here.
/// </summary>
public sealed partial class OpenApiDocumentTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Document_ServedToViewers_Valid31_CoversEveryMappedRouteWithTypedAnswers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var controller = await TestController.StartAsync(_dir.Path);
        using var anonymous = new HttpClient { BaseAddress = controller.Http.BaseAddress };

        using var refused = await anonymous.GetAsync("/openapi/v1.json", ct);
        using var response = await controller.Http.GetAsync("/openapi/v1.json", ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var paths = root.GetProperty("paths");

        var routes = controller.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => IsApiRoute(e.RoutePattern.RawText ?? ""))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Endpoint: e, Method: m)))
            .ToList();
        Assert.True(routes.Count >= 20, $"only {routes.Count} API routes mapped");
        var failures = new List<string>();
        foreach (var (endpoint, method) in routes)
        {
            var path = Normalize(endpoint.RoutePattern.RawText!);
            var what = $"{method} {path}";
            if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
            {
                failures.Add($"{what}: not in the document");
                continue;
            }

            failures.AddRange(CheckOperation(what, operation, endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static IEnumerable<string> CheckOperation(string what, JsonElement operation, bool anonymous)
    {
        if (!operation.TryGetProperty("operationId", out _))
        {
            yield return $"{what}: no operationId (WithName)";
        }

        var responses = operation.GetProperty("responses").EnumerateObject().ToList();
        var success = responses.Where(r => r.Name.StartsWith('2')).ToList();
        if (success.Count == 0)
        {
            yield return $"{what}: no 2xx response declared";
        }

        foreach (var answer in success.Where(r => r.Name != "204"))
        {
            if (!answer.Value.TryGetProperty("content", out var content) || !content.TryGetProperty("application/json", out var json) || !json.TryGetProperty("schema", out _))
            {
                yield return $"{what}: {answer.Name} has no application/json schema";
            }
        }

        foreach (var problem in responses.Where(r => r.Name[0] is '4' or '5'))
        {
            if (!problem.Value.TryGetProperty("content", out var content) || !content.TryGetProperty("application/problem+json", out _))
            {
                yield return $"{what}: {problem.Name} is not declared as application/problem+json";
            }
        }

        var security = operation.TryGetProperty("security", out var s) ? s : default;
        if (anonymous)
        {
            if (security.ValueKind != JsonValueKind.Array || security.GetArrayLength() != 0)
            {
                yield return $"{what}: anonymous but its security is not []";
            }

            yield break;
        }

        if (security.ValueKind != JsonValueKind.Array || !security.EnumerateArray().Any(r => r.TryGetProperty("bearer", out _)))
        {
            yield return $"{what}: does not require the bearer scheme";
        }

        if (!responses.Any(r => r.Name == "401") || !responses.Any(r => r.Name == "403"))
        {
            yield return $"{what}: 401/403 problems not declared";
        }
    }

    private static bool IsApiRoute(string pattern) => pattern.StartsWith("/api/", StringComparison.Ordinal) || pattern is "/healthz" or "/readyz";

    /// <summary>Route pattern to OpenAPI path: catch-all stars, constraints, optional marks and a group's trailing slash dropped.</summary>
    private static string Normalize(string pattern) => Parameter().Replace(pattern.Length > 1 ? pattern.TrimEnd('/') : pattern, m => "{" + m.Groups[1].Value + "}");

    [GeneratedRegex(@"\{\**([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex Parameter();

    public void Dispose() => _dir.Dispose();
}
