using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Edge.Common.Api;

namespace Edge.Ctl.Api;

/// <summary>
/// The controller's HTTP API with typed answers (<see cref="EdgeApiJsonContext"/>, the records the controller
/// writes). Error answers (RFC 9457 problem details) become an <see cref="ApiException"/> carrying the problem's detail.
/// </summary>
internal sealed class EdgeClient(HttpClient http)
{
    private static readonly EdgeApiJsonContext Json = EdgeApiJsonContext.Default;

    public HttpClient Http => http;

    public Task<IReadOnlyList<NodeResponse>> NodesAsync(CancellationToken ct) => GetAsync("/api/nodes", Json.IReadOnlyListNodeResponse, ct);

    public Task<NodeDetail> NodeAsync(string node, CancellationToken ct) => GetAsync($"/api/nodes/{Seg(node)}", Json.NodeDetail, ct);

    public Task<MetricsResponse> MetricsAsync(string node, long fromMs, long toMs, CancellationToken ct) =>
        GetAsync(FormattableString.Invariant($"/api/nodes/{Seg(node)}/metrics?from={fromMs}&to={toMs}"), Json.MetricsResponse, ct);

    public Task<NodeScheduling> CordonAsync(string node, string? reason, CancellationToken ct) =>
        PostAsync($"/api/nodes/{Seg(node)}/cordon", JsonContent.Create(new CordonRequest(reason), Json.CordonRequest), Json.NodeScheduling, ct);

    public Task<NodeScheduling> UncordonAsync(string node, CancellationToken ct) =>
        PostAsync($"/api/nodes/{Seg(node)}/uncordon", null, Json.NodeScheduling, ct);

    public Task<NodeScheduling> DrainAsync(string node, string? reason, int? timeoutSeconds, CancellationToken ct) =>
        PostAsync($"/api/nodes/{Seg(node)}/drain", JsonContent.Create(new DrainRequest(reason, timeoutSeconds), Json.DrainRequest), Json.NodeScheduling, ct);

    public Task<IReadOnlyList<Common.Contracts.WorkflowRunStatus>> RunsAsync(CancellationToken ct) => GetAsync("/api/workflows", Json.IReadOnlyListWorkflowRunStatus, ct);

    public Task<Common.Contracts.WorkflowRunStatus> RunAsync(string run, CancellationToken ct) => GetAsync($"/api/workflows/{Seg(run)}", Json.WorkflowRunStatus, ct);

    public async Task CancelRunAsync(string run, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"/api/workflows/{Seg(run)}", ct);
        await ThrowIfErrorAsync(response, ct);
    }

    public Task<InstanceOutput> StepOutputAsync(string run, string step, int? attempt, string stream, long? tailBytes, CancellationToken ct)
    {
        var query = $"?stream={Uri.EscapeDataString(stream)}" + (attempt is { } a ? FormattableString.Invariant($"&attempt={a}") : "") + (tailBytes is { } t ? FormattableString.Invariant($"&tailBytes={t}") : "");
        return GetAsync($"/api/workflows/{Seg(run)}/steps/{Seg(step)}/output{query}", Json.InstanceOutput, ct);
    }

    public Task<IReadOnlyList<ComponentSummary>> ComponentsAsync(CancellationToken ct) => GetAsync("/api/components", Json.IReadOnlyListComponentSummary, ct);

    /// <summary>Component ids hold '/' (<c>etl/load</c>); the route is a catch-all, so each segment is escaped alone.</summary>
    public Task<ComponentSummary> ComponentAsync(string id, CancellationToken ct) =>
        GetAsync("/api/components/" + string.Join('/', id.Split('/').Select(Uri.EscapeDataString)), Json.ComponentSummary, ct);

    public Task<IReadOnlyList<Allocation>> AllocationsAsync(CancellationToken ct) => GetAsync("/api/allocations", Json.IReadOnlyListAllocation, ct);

    public Task<IReadOnlyList<QueuedRequest>> QueueAsync(CancellationToken ct) => GetAsync("/api/queue", Json.IReadOnlyListQueuedRequest, ct);

    public Task<IReadOnlyList<TokenInfo>> TokensAsync(CancellationToken ct) => GetAsync("/api/tokens", Json.IReadOnlyListTokenInfo, ct);

    public Task<TokenCreated> CreateTokenAsync(string name, string role, DateTimeOffset? expiresAt, CancellationToken ct) =>
        PostAsync("/api/tokens", JsonContent.Create(new TokenCreateRequest(name, role, expiresAt), Json.TokenCreateRequest), Json.TokenCreated, ct);

    public async Task RevokeTokenAsync(string name, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"/api/tokens/{Seg(name)}", ct);
        await ThrowIfErrorAsync(response, ct);
    }

    public async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        return await ReadAsync(response, type, ct);
    }

    private async Task<T> PostAsync<T>(string path, HttpContent? body, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await http.PostAsync(path, body, ct);
        return await ReadAsync(response, type, ct);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct)
    {
        await ThrowIfErrorAsync(response, ct);
        try
        {
            return await response.Content.ReadFromJsonAsync(type, ct) ?? throw new ApiException(response.StatusCode, $"{Describe(response)} answered null");
        }
        catch (JsonException ex)
        {
            throw new ApiException(response.StatusCode, $"{Describe(response)} answered JSON that is not a {typeof(T).Name}: {ex.Message}");
        }
    }

    /// <summary>Throws an <see cref="ApiException"/> with the problem's detail (and each of its errors) for an error answer.</summary>
    public static async Task ThrowIfErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var problem = await ProblemAsync(response, ct);
        throw new ApiException(response.StatusCode, $"{Describe(response)} answered {(int)response.StatusCode}: {problem}");
    }

    /// <summary>The detail of a problem answer (with its errors), else the start of the body.</summary>
    public static async Task<string> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        try
        {
            if (JsonSerializer.Deserialize(body, Json.ApiProblem) is { Detail: { } detail } problem)
            {
                return problem.Errors is { Count: > 1 } errors ? detail + "\n  - " + string.Join("\n  - ", errors) : detail;
            }
        }
        catch (JsonException)
        {
        }

        return body.Length > 300 ? body[..300] + "…" : body.Length > 0 ? body : response.ReasonPhrase ?? "";
    }

    private static string Describe(HttpResponseMessage response) => $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}";

    private static string Seg(string value) => Uri.EscapeDataString(value);

    /// <summary>True for the statuses that mean "not there".</summary>
    public static bool IsNotFound(HttpRequestException ex) => ex.StatusCode == HttpStatusCode.NotFound;
}
