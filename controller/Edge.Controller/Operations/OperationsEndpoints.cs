using System.Globalization;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Api;
using Edge.Controller.Nodes;
using Edge.Controller.Security;
using Edge.Controller.Workflows;

namespace Edge.Controller.Operations;

/// <summary>
/// The node-scheduling and output routes of <see cref="OperatorJsonContext"/>'s contract (common/Edge.Common/Api/OperatorContracts.cs):
/// node detail (viewer), cordon, uncordon and drain (operator), and an instance's or a workflow step's output
/// (viewer). Errors are RFC 9457 problem details naming the offending value.
/// </summary>
internal static class OperationsEndpoints
{
    public const string Tag = "Nodes";
    public const long DefaultTailBytes = 65536;
    public const long MaxTailBytes = OutputChunk.MaxTailBytes;

    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/nodes/{node}", (string node, NodeOperations operations) =>
                operations.Detail(node) is { } detail
                    ? (IResult)TypedResults.Json(detail, OperatorJsonContext.Default.NodeDetail)
                    : UnknownNode(node))
            .Requires(ApiPolicies.Viewer)
            .WithName("GetNode").WithTags(Tag)
            .Produces<NodeDetail>(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/api/nodes/{node}/cordon", CordonAsync)
            .Requires(ApiPolicies.Operator)
            .WithName("CordonNode").WithTags(Tag)
            .Produces<NodeScheduling>(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/api/nodes/{node}/uncordon", UncordonAsync)
            .Requires(ApiPolicies.Operator)
            .WithName("UncordonNode").WithTags(Tag)
            .Produces<NodeScheduling>(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/api/nodes/{node}/drain", DrainAsync)
            .Requires(ApiPolicies.Operator)
            .WithName("DrainNode").WithTags(Tag)
            .Produces<NodeScheduling>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/api/instances/{instance}/output", InstanceOutputAsync)
            .Requires(ApiPolicies.Viewer)
            .WithName("GetInstanceOutput").WithTags(Tag)
            .Produces<InstanceOutput>(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable).ProducesProblem(StatusCodes.Status504GatewayTimeout);
        app.MapGet("/api/workflows/{run}/steps/{step}/output", StepOutputAsync)
            .Requires(ApiPolicies.Viewer)
            .WithName("GetStepOutput").WithTags(Tag)
            .Produces<InstanceOutput>(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable).ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return app;
    }

    private static async Task<IResult> CordonAsync(string node, HttpRequest http, NodeOperations operations, CancellationToken cancellationToken)
    {
        var (request, error) = await ReadBodyAsync(http, OperatorJsonContext.Default.CordonRequest, new CordonRequest(), cancellationToken);
        if (error is not null)
        {
            return error;
        }

        try
        {
            return await operations.CordonAsync(node, request!.Reason, cancellationToken) is { } scheduling
                ? TypedResults.Json(scheduling, OperatorJsonContext.Default.NodeScheduling)
                : UnknownNode(node);
        }
        catch (State.StateStoreException ex)
        {
            return NotStored("cordoned", node, ex);
        }
    }

    private static async Task<IResult> UncordonAsync(string node, NodeOperations operations, CancellationToken cancellationToken)
    {
        try
        {
            return await operations.UncordonAsync(node, cancellationToken) is { } scheduling
                ? TypedResults.Json(scheduling, OperatorJsonContext.Default.NodeScheduling)
                : UnknownNode(node);
        }
        catch (State.StateStoreException ex)
        {
            return NotStored("uncordoned", node, ex);
        }
    }

    private static async Task<IResult> DrainAsync(string node, HttpRequest http, NodeOperations operations, CancellationToken cancellationToken)
    {
        var (request, error) = await ReadBodyAsync(http, OperatorJsonContext.Default.DrainRequest, new DrainRequest(), cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (request!.TimeoutSeconds is { } timeout and (<= 0 or > 7 * 86400))
        {
            return Problem(StatusCodes.Status400BadRequest, $"timeoutSeconds {timeout.ToString(CultureInfo.InvariantCulture)} must be between 1 and 604800 (a week), or left out to wait for ever");
        }

        NodeScheduling? scheduling;
        try
        {
            scheduling = await operations.DrainAsync(node, request, cancellationToken);
        }
        catch (State.StateStoreException ex)
        {
            return NotStored("drained", node, ex);
        }

        if (scheduling is null)
        {
            return UnknownNode(node);
        }

        http.HttpContext.Response.Headers.Location = $"/api/nodes/{Uri.EscapeDataString(node)}";
        return TypedResults.Json(scheduling, OperatorJsonContext.Default.NodeScheduling, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> InstanceOutputAsync(
        string instance, string? stream, string? tailBytes, Allocator broker, WorkflowService workflows, NodeRegistry registry, OutputRequests output, CancellationToken cancellationToken)
    {
        if (Arguments(stream, tailBytes) is { Error: { } error })
        {
            return error;
        }

        var node = broker.FindAllocation(instance)?.NodeId
            ?? workflows.List().SelectMany(r => r.Steps).FirstOrDefault(s => s.InstanceId == instance && s.NodeId is not null)?.NodeId;
        return node is null
            ? Problem(StatusCodes.Status404NotFound, $"instance '{instance}' is not known to the controller (an ended allocation is forgotten; a workflow step's output is read by run and step)")
            : await ReadAsync(node, instance, Arguments(stream, tailBytes), registry, output, cancellationToken);
    }

    private static async Task<IResult> StepOutputAsync(
        string run, string step, string? attempt, string? stream, string? tailBytes, WorkflowService workflows, NodeRegistry registry, OutputRequests output, CancellationToken cancellationToken)
    {
        var arguments = Arguments(stream, tailBytes);
        if (arguments.Error is { } error)
        {
            return error;
        }

        if (workflows.Get(run) is not { } status)
        {
            return Problem(StatusCodes.Status404NotFound, $"no workflow run has id '{run}'");
        }

        if (status.Steps.FirstOrDefault(s => s.StepId == step) is not { } found)
        {
            return Problem(StatusCodes.Status404NotFound, $"workflow run '{run}' has no step '{step}'");
        }

        if (attempt is not null)
        {
            if (!int.TryParse(attempt, NumberStyles.None, CultureInfo.InvariantCulture, out var wanted) || wanted < 1)
            {
                return Problem(StatusCodes.Status400BadRequest, $"attempt '{attempt}' must be a positive whole number");
            }

            if (wanted != found.Attempt)
            {
                return Problem(StatusCodes.Status404NotFound,
                    $"attempt {wanted.ToString(CultureInfo.InvariantCulture)} of step '{step}' in run '{run}': the controller knows the instance of the latest attempt ({found.Attempt.ToString(CultureInfo.InvariantCulture)}) only");
            }
        }

        if (found.InstanceId is not { } instance || found.NodeId is not { } node || found.Attempt == 0)
        {
            return Problem(StatusCodes.Status404NotFound, $"step '{step}' of run '{run}' has not started on a node yet (state {found.State})");
        }

        return await ReadAsync(node, instance, arguments, registry, output, cancellationToken);
    }

    private static async Task<IResult> ReadAsync(string node, string instance, OutputArguments arguments, NodeRegistry registry, OutputRequests output, CancellationToken cancellationToken)
    {
        if (!registry.TryGet(node, out var state) || state is not { Online: true })
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, $"node '{node}', which keeps the output of instance '{instance}', is offline; its output can be read once it is back");
        }

        OutputResult result;
        try
        {
            result = await output.ReadAsync(node, instance, arguments.Stream, arguments.TailBytes, cancellationToken);
        }
        catch (TimeoutException)
        {
            return Problem(StatusCodes.Status504GatewayTimeout, $"node '{node}' did not answer the request for the output of instance '{instance}' in time (Controller:OutputRequestTimeout)");
        }
        catch (InvalidOperationException ex)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, ex.Message);
        }

        return result.Output is { } text
            ? TypedResults.Json(text, OperatorJsonContext.Default.InstanceOutput)
            : Problem(StatusCodes.Status404NotFound, $"node '{node}': {result.Error}");
    }

    private static OutputArguments Arguments(string? stream, string? tailBytes)
    {
        var name = stream ?? "stdout";
        if (name is not ("stdout" or "stderr"))
        {
            return new OutputArguments(name, 0, Problem(StatusCodes.Status400BadRequest, $"stream '{name}' must be 'stdout' or 'stderr'"));
        }

        var tail = DefaultTailBytes;
        if (tailBytes is not null && (!long.TryParse(tailBytes, NumberStyles.None, CultureInfo.InvariantCulture, out tail) || tail < 1 || tail > MaxTailBytes))
        {
            return new OutputArguments(name, 0, Problem(StatusCodes.Status400BadRequest, $"tailBytes '{tailBytes}' must be a whole number from 1 to {MaxTailBytes.ToString(CultureInfo.InvariantCulture)} (1 MiB)"));
        }

        return new OutputArguments(name, tail, null);
    }

    private static async Task<(T? Value, IResult? Error)> ReadBodyAsync<T>(HttpRequest http, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, T empty, CancellationToken cancellationToken)
        where T : class
    {
        if (http.ContentLength is 0 || (http.ContentLength is null && !http.Headers.ContainsKey("Transfer-Encoding")))
        {
            return (empty, null);
        }

        try
        {
            return (await JsonSerializer.DeserializeAsync(http.Body, type, cancellationToken) ?? empty, null);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 0 } path ? $" at '{path}'" : "";
            return (null, Problem(StatusCodes.Status400BadRequest, $"the body is not a valid {typeof(T).Name}{where}: {ex.Message}"));
        }
    }

    private static IResult UnknownNode(string node) => Problem(StatusCodes.Status404NotFound, $"no node has id '{node}'");

    /// <summary>The state store refused the change (deposed, full disk, etcd unreachable): nothing was changed; the client may retry.</summary>
    private static IResult NotStored(string what, string node, State.StateStoreException ex)
    {
        var cause = ex.Fenced ? "this controller no longer leads (fenced); retry at the leader"
            : ex.DiskFull ? "the state store's disk is full"
            : "the state store refused the write";
        return Problem(StatusCodes.Status503ServiceUnavailable, $"node '{node}' was not {what}, nothing was changed: {cause}: {ex.Message}");
    }

    private static IResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);

    private sealed record OutputArguments(string Stream, long TailBytes, IResult? Error);
}
