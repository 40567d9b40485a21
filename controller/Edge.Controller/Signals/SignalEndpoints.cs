using Edge.Common.Contracts;
using Edge.Controller.Api;
using Edge.Controller.Security;

namespace Edge.Controller.Signals;

/// <summary>
/// <c>POST /api/signals</c> (a submitter token: 201 with the kept announcement, 400 problem details naming every
/// reason in <c>errors</c>) and <c>GET /api/signals</c> (a viewer token).
/// </summary>
internal static class SignalEndpoints
{
    public static IEndpointRouteBuilder MapSignalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/signals", AnnounceAsync)
            .Requires(ApiPolicies.Submitter).WithName("AnnounceWork").WithTags("Signals")
            .Accepts<WorkAnnouncement>("application/json").Produces<WorkAnnouncement>(StatusCodes.Status201Created).Problems(StatusCodes.Status400BadRequest);
        app.MapGet("/api/signals", (SignalBoard board) => TypedResults.Json(board.All(), ApiJson.Edge.IReadOnlyListWorkAnnouncement))
            .Requires(ApiPolicies.Viewer).WithName("ListSignals").WithTags("Signals").Produces<IReadOnlyList<WorkAnnouncement>>(StatusCodes.Status200OK);
        return app;
    }

    private static async Task<IResult> AnnounceAsync(HttpRequest http, SignalBoard board, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await http.Body.CopyToAsync(buffer, cancellationToken);
        var decoded = PayloadCodec.Decode(buffer.ToArray(), EdgeJsonContext.Default.WorkAnnouncement, 64 * 1024);
        if (!decoded.Ok)
        {
            return ApiProblems.Result(StatusCodes.Status400BadRequest, $"the body is not a valid work announcement: {decoded.Message}");
        }

        var (kept, errors) = board.Announce(decoded.Value, "http");
        if (kept is null)
        {
            var detail = errors.Count == 1 ? errors[0] : $"the announcement is refused for {errors.Count} reasons: {string.Join("; ", errors)}";
            return ApiProblems.Result(StatusCodes.Status400BadRequest, detail, [new("errors", errors.ToArray())]);
        }

        return TypedResults.Json(kept, ApiJson.Edge.WorkAnnouncement, statusCode: StatusCodes.Status201Created);
    }
}
