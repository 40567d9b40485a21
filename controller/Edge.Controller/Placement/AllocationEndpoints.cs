using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Api;
using Edge.Controller.Security;

namespace Edge.Controller.Placement;

/// <summary>The broker's HTTP API: list allocations and the queue, allocate, release.</summary>
internal static class AllocationEndpoints
{
    /// <summary>
    /// Maps <c>GET /api/allocations</c>, <c>GET /api/queue</c>, <c>POST /api/allocations</c> (201 placed, 202 queued,
    /// 409 rejected, 400 invalid (both problem details), including a command off <c>Controller:Workflows:AllowedCommands</c> or a refused
    /// environment) and <c>DELETE /api/allocations/{id}</c> (204, 404 unknown, 400 bad id). Reading needs a viewer
    /// token (the fallback policy), changing needs operator; environment values are never shown back.
    /// </summary>
    public static IEndpointRouteBuilder MapBrokerEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/allocations", (Allocator broker) =>
            TypedResults.Json(Redacted(broker.GetAllocations()), ApiJson.Edge.IReadOnlyListAllocation))
            .Requires(ApiPolicies.Viewer).WithName("ListAllocations").WithTags("Allocations").Produces<IReadOnlyList<Allocation>>(StatusCodes.Status200OK);
        endpoints.MapGet("/api/queue", (Allocator broker) =>
            TypedResults.Json(Redacted(broker.GetQueue()), ApiJson.Edge.IReadOnlyListQueuedRequest))
            .Requires(ApiPolicies.Viewer).WithName("ListQueue").WithTags("Allocations").Produces<IReadOnlyList<QueuedRequest>>(StatusCodes.Status200OK);
        endpoints.MapPost("/api/allocations", AllocateAsync)
            .Requires(ApiPolicies.Operator).WithName("Allocate").WithTags("Allocations").Accepts<AllocationRequest>("application/json")
            .Produces<AllocationOutcome>(StatusCodes.Status201Created).Produces<AllocationOutcome>(StatusCodes.Status202Accepted)
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);
        endpoints.MapDelete("/api/allocations/{id}", DeallocateAsync)
            .Requires(ApiPolicies.Operator).WithName("Deallocate").WithTags("Allocations").Produces(StatusCodes.Status204NoContent)
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        return endpoints;
    }

    /// <summary>Requests as shown back to callers: variable names kept, values never (they may hold secrets).</summary>
    internal static AllocationRequest Redacted(AllocationRequest request) =>
        request.Env is { Count: > 0 } env ? request with { Env = EnvironmentPolicy.Redact(env) } : request;

    private static IReadOnlyList<Allocation> Redacted(IReadOnlyList<Allocation> allocations) =>
        [.. allocations.Select(a => a with { Request = Redacted(a.Request) })];

    private static IReadOnlyList<QueuedRequest> Redacted(IReadOnlyList<QueuedRequest> queue) =>
        [.. queue.Select(q => q with { Request = Redacted(q.Request) })];

    private static async Task<IResult> AllocateAsync(HttpRequest http, Allocator broker, CancellationToken cancellationToken)
    {
        AllocationRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(http.Body, AllocationHttpJson.Context.AllocationRequest, cancellationToken);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 0 } path ? $" at '{path}'" : "";
            return Error(StatusCodes.Status400BadRequest, $"the body is not a valid allocation request{where}: {ex.Message}");
        }

        if (request is null)
        {
            return Error(StatusCodes.Status400BadRequest, "the body is null; send an allocation request object");
        }

        var outcome = await broker.AllocateAsync(request, cancellationToken);
        var status = outcome.Status switch
        {
            AllocationStatus.Placed => StatusCodes.Status201Created,
            AllocationStatus.Queued => StatusCodes.Status202Accepted,
            AllocationStatus.Rejected => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        };
        if (outcome.Status == AllocationStatus.Placed)
        {
            http.HttpContext.Response.Headers.Location = $"/api/allocations/{Uri.EscapeDataString(outcome.AllocationId!)}";
        }

        if (status >= StatusCodes.Status400BadRequest)
        {
            // Refused or invalid: a problem whose detail is the broker's reason; "outcome" says which.
            return ApiProblems.Result(status, outcome.Reason, [new("outcome", outcome.Status is AllocationStatus.Rejected ? "rejected" : "invalid")]);
        }

        return TypedResults.Json(outcome, ApiJson.Edge.AllocationOutcome, statusCode: status);
    }

    private static async Task<IResult> DeallocateAsync(string id, Allocator broker, CancellationToken cancellationToken)
    {
        if (!IdValidator.IsValidSegment(id, out var error))
        {
            return Error(StatusCodes.Status400BadRequest, $"allocation id: {error}");
        }

        return await broker.DeallocateAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : Error(StatusCodes.Status404NotFound, $"no allocation or queued request has id '{id}'");
    }

    private static IResult Error(int status, string message) => ApiProblems.Result(status, message);
}
