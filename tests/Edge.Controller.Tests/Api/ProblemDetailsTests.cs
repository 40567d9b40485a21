using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Api;

/// <summary>
/// Every kind of error a real controller answers is RFC 9457 problem details (<c>application/problem+json</c> with
/// type, title, status and a detail naming the offending value), from endpoints, the request gate, authentication,
/// authorization and routing alike.
/// </summary>
public sealed class ProblemDetailsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task EveryErrorKind_IsProblemJsonNamingTheValue()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var controller = await TestController.StartAsync(_dir.Path, extra: new Dictionary<string, string?> { ["Controller:Http:MaxRequestBodyBytes"] = "4096" });
        using var anonymous = new HttpClient { BaseAddress = controller.Http.BaseAddress };
        using var created = await controller.Http.PostAsync("/api/tokens", Json("""{"name":"looker","role":"viewer"}"""), ct);
        var viewerToken = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("token").GetString()!;
        using var viewer = new HttpClient { BaseAddress = controller.Http.BaseAddress };
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", viewerToken);
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/nodes");
        rebound.Headers.Host = "attacker.example";

        var cases = new (HttpResponseMessage Response, HttpStatusCode Status, string Named)[]
        {
            (await controller.Http.PostAsync("/api/tokens", Json("""{"name":"other","role":"king"}"""), ct), HttpStatusCode.BadRequest, "'king'"),
            (await controller.Http.SendAsync(rebound, ct), HttpStatusCode.BadRequest, "attacker.example"),
            (await anonymous.GetAsync("/api/nodes", ct), HttpStatusCode.Unauthorized, "Authorization: Bearer"),
            (await viewer.DeleteAsync("/api/workflows/r1", ct), HttpStatusCode.Forbidden, "'looker'"),
            (await controller.Http.GetAsync("/api/nodes/ghost/series", ct), HttpStatusCode.NotFound, "'ghost'"),
            (await controller.Http.GetAsync("/api/no-such-thing", ct), HttpStatusCode.NotFound, "/api/no-such-thing"),
            (await controller.Http.PutAsync("/api/nodes", Json("{}"), ct), HttpStatusCode.MethodNotAllowed, "PUT /api/nodes"),
            (await controller.Http.PostAsync("/api/tokens", Json("""{"name":"looker","role":"viewer"}"""), ct), HttpStatusCode.Conflict, "'looker'"),
            (await controller.Http.PostAsync("/api/allocations", Json("{}" + new string(' ', 8192)), ct), HttpStatusCode.RequestEntityTooLarge, "4096"),
            (await controller.Http.PostAsync("/api/allocations", new StringContent("x", Encoding.UTF8, "text/plain"), ct), HttpStatusCode.UnsupportedMediaType, "'text/plain"),
        };

        foreach (var (response, status, named) in cases)
        {
            using var _ = response;
            var body = await response.Content.ReadAsStringAsync(ct);
            var where = $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {(int)response.StatusCode} {body}";
            Assert.True(status == response.StatusCode, where);
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", where);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.True(problem.GetProperty("status").GetInt32() == (int)status, where);
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()), where);
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()), where);
            Assert.True(problem.GetProperty("detail").GetString()!.Contains(named, StringComparison.Ordinal), where);
            Assert.False(problem.TryGetProperty("error", out var _), where);
        }
    }

    [Fact]
    public async Task RefusedWorkflow_ProblemListsEveryReasonInErrors()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var controller = await TestController.StartAsync(_dir.Path);

        using var response = await controller.Http.PostAsync("/api/workflows", Json("""{"schemaVersion":1,"workflowId":"wf","steps":[{"id":"a","componentId":"c/a","command":"/bin/true","dependsOn":["zz"]},{"id":"a","componentId":"c/b","command":"/bin/true"}]}"""), ct);

        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.True(problem.TryGetProperty("errors", out var _), body);
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.True(errors.Count >= 2, body);
        Assert.Contains(errors, e => e.Contains("'zz'", StringComparison.Ordinal));
        Assert.Contains("'zz'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
