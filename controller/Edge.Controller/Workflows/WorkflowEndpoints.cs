using Edge.Common.Contracts;
using Edge.Controller.Api;
using Edge.Controller.Profiles;
using Edge.Controller.Security;
using Edge.Models.Profiling;

namespace Edge.Controller.Workflows;

/// <summary>
/// <c>POST /api/workflows</c> (201 accepted with the run's status, 400 problem details with every reason in <c>errors</c> when refused),
/// <c>GET /api/workflows</c>, <c>GET /api/workflows/{run}</c>, <c>DELETE /api/workflows/{run}</c> (cancel),
/// <c>GET /api/components</c>, <c>GET /api/components/{id}</c> (runs against predictions), <c>GET /api/volume</c>.
/// Reading needs a viewer token, submitting and cancelling a submitter token.
/// </summary>
internal static class WorkflowEndpoints
{
    public static IEndpointRouteBuilder MapWorkflowEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/workflows", SubmitAsync)
            .Requires(ApiPolicies.Submitter).WithName("SubmitWorkflow").WithTags("Workflows")
            .Accepts<WorkflowSubmission>("application/json").Produces<SubmitResponse>(StatusCodes.Status201Created).Problems(StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/api/workflows", (WorkflowService service) =>
            TypedResults.Json(service.List(), ApiJson.Edge.IReadOnlyListWorkflowRunStatus))
            .Requires(ApiPolicies.Viewer).WithName("ListWorkflowRuns").WithTags("Workflows").Produces<IReadOnlyList<WorkflowRunStatus>>(StatusCodes.Status200OK);
        app.MapGet("/api/workflows/{run}", (string run, WorkflowService service) =>
            service.Get(run) is { } status
                ? TypedResults.Json(status, ApiJson.Edge.WorkflowRunStatus)
                : Error(StatusCodes.Status404NotFound, $"no workflow run has id '{run}'"))
            .Requires(ApiPolicies.Viewer).WithName("GetWorkflowRun").WithTags("Workflows").Produces<WorkflowRunStatus>(StatusCodes.Status200OK).Problems(StatusCodes.Status404NotFound);
        app.MapDelete("/api/workflows/{run}", async (string run, WorkflowService service, CancellationToken ct) =>
            await service.CancelAsync(run, "cancelled on request", ct)
                ? TypedResults.NoContent()
                : Error(StatusCodes.Status404NotFound, $"no unfinished workflow run has id '{run}'"))
            .Requires(ApiPolicies.Submitter).WithName("CancelWorkflowRun").WithTags("Workflows").Produces(StatusCodes.Status204NoContent).Problems(StatusCodes.Status404NotFound);
        app.MapGet("/api/components", (FeedbackLedger ledger) =>
            TypedResults.Json(ledger.Summaries(), ApiJson.Edge.IReadOnlyListComponentSummary))
            .Requires(ApiPolicies.Viewer).WithName("ListComponents").WithTags("Components").Produces<IReadOnlyList<ComponentSummary>>(StatusCodes.Status200OK);
        app.MapGet("/api/components/{**id}", Component)
            .Requires(ApiPolicies.Viewer).WithName("GetComponent").WithTags("Components").Produces<ComponentSummary>(StatusCodes.Status200OK);
        app.MapGet("/api/volume", (VolumeService volume) => TypedResults.Json(volume.Latest, WorkflowHttpJson.Workflows.VolumeProjection))
            .Requires(ApiPolicies.Viewer).WithName("GetVolumeProjection").WithTags("Workflows").Produces<VolumeProjection>(StatusCodes.Status200OK);
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpRequest http, WorkflowService service, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await http.Body.CopyToAsync(buffer, cancellationToken);
        var decoded = PayloadCodec.Decode(buffer.ToArray(), EdgeJsonContext.Default.WorkflowSubmission);
        if (!decoded.Ok)
        {
            return Error(StatusCodes.Status400BadRequest, $"the body is not a valid workflow submission: {decoded.Message}");
        }

        SubmitResponse response;
        try
        {
            response = await service.SubmitAsync(decoded.Value, "http", cancellationToken);
        }
        catch (State.StateStoreException ex)
        {
            // Nothing of the run was kept (the store refused it first); the client may try again later.
            return Error(StatusCodes.Status503ServiceUnavailable, $"the run could not be stored: {ex.Message}");
        }
        if (!response.Accepted)
        {
            var detail = response.Errors.Count == 1 ? response.Errors[0] : $"the workflow is refused for {response.Errors.Count} reasons: {string.Join("; ", response.Errors)}";
            return ApiProblems.Result(StatusCodes.Status400BadRequest, detail, [new("errors", response.Errors.ToArray())]);
        }

        // Ids may hold any non-control character (they are MQTT topic segments); a header carries only ASCII.
        http.HttpContext.Response.Headers.Location = $"/api/workflows/{Uri.EscapeDataString(response.RunId ?? "")}";
        return TypedResults.Json(response, ApiJson.Edge.SubmitResponse, statusCode: StatusCodes.Status201Created);
    }

    private static IResult Component(string id, FeedbackLedger ledger, Forecaster profiler)
    {
        if (ledger.Summary(id) is { } summary)
        {
            return TypedResults.Json(summary with { Forecaster = profiler.Describe(id) }, ApiJson.Edge.ComponentSummary);
        }

        // Never run yet: say so, with what it would be given now (from similar components or the fallback).
        var next = profiler.Predict(id, new ComponentContext());
        return TypedResults.Json(new ComponentSummary(id, 0, 0, 0, 0, null, null, null, null, 0, 0, next, [], profiler.Describe(id)), ApiJson.Edge.ComponentSummary);
    }

    private static IResult Error(int status, string message) => ApiProblems.Result(status, message);
}
