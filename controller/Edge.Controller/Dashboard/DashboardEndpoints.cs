using Edge.Controller.Api;
using Edge.Controller.Placement;
using Edge.Controller.History;
using Edge.Controller.Nodes;
using Edge.Controller.Profiles;
using Edge.Controller.Security;
using Edge.Controller.Workflows;

namespace Edge.Controller.Dashboard;

/// <summary>
/// The web dashboard: its static files under <c>/ui/</c> (anonymous; they hold no data) and two read-only
/// aggregate endpoints for it, <c>GET /api/dashboard/fleet</c> and <c>GET /api/dashboard/runs/{run}</c> (viewer
/// token). Everything else it shows comes from the plain API (<c>/api/workflows</c>, <c>/api/components</c>).
/// </summary>
internal static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        // One route for /ui and /ui/...: routing treats the two alike, but the page's relative links need the slash.
        app.MapGet("/ui/{**file}", (string? file, HttpContext http) => http.Request.Path.Value is "/ui"
                ? TypedResults.Redirect("/ui/")
                : DashboardAssets.Serve(file, http))
            .AllowAnonymous()
            .ExcludeFromDescription();

        app.MapGet("/api/dashboard/fleet", (NodeRegistry registry, Allocator broker, IHistoryStore store, TimeProvider time, CancellationToken ct) =>
                TypedResults.Json(DashboardViews.Fleet(registry, broker, store, time, ct), DashboardHttpJson.Context.DashboardFleet))
            .RequireAuthorization(ApiPolicies.Viewer)
            .WithName("GetDashboardFleet")
            .WithTags("Dashboard")
            .Produces<DashboardFleet>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        app.MapGet("/api/dashboard/runs/{run}", (string run, WorkflowService workflows, Allocator broker, FeedbackLedger ledger, InstanceUsageTracker usage) =>
                DashboardViews.Run(run, workflows, broker, ledger, usage) is { } view
                    ? (IResult)TypedResults.Json(view, DashboardHttpJson.Context.DashboardRun)
                    : ApiProblems.Result(StatusCodes.Status404NotFound, $"no workflow run has id '{run}'"))
            .RequireAuthorization(ApiPolicies.Viewer)
            .WithName("GetDashboardRun")
            .WithTags("Dashboard")
            .Produces<DashboardRun>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
