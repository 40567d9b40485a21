using System.Collections.Concurrent;
using System.Reflection;
using Edge.Controller.Adjustment;
using Edge.Controller.Placement;
using Edge.Controller.Operations;
using Edge.Controller.Profiles;
using Edge.Controller.Workflows;

namespace Edge.Controller.Leadership;

/// <summary>
/// In cluster mode a follower answers what it holds itself (nodes, their history and series, which every controller
/// ingests) and refuses the rest with a problem naming the leader: every mutating <c>/api</c> call, and reads whose
/// handler needs state only the leader owns (allocations, queue, runs, ledger, volume, fleet metrics). The answer is
/// 421 Misdirected Request with the leader's id, advertised URL and term (header <c>Edge-Leader</c>), or 503 with
/// <c>Retry-After</c> while no leader is known. It does not forward: the client retries at the leader, so the token
/// and the request are never relayed by a controller that is not entitled to act on them.
/// </summary>
internal static class FollowerGuard
{
    /// <summary>Types that exist only on the leader: creating one on a follower would load a copy of the store that goes stale.</summary>
    private static readonly HashSet<Type> LeaderOwned =
    [
        typeof(Allocator), typeof(WorkflowService), typeof(FeedbackLedger), typeof(FeedbackRecorder), typeof(NodeOperations), typeof(NodeSchedulingStore),
        typeof(NodeDrainer), typeof(VolumeService), typeof(AdjusterService), typeof(InstanceUsageTracker), typeof(Forecaster),
    ];

    private static readonly ConcurrentDictionary<Type, bool> Needs = new();

    public static IApplicationBuilder UseFollowerGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var leadership = context.RequestServices.GetRequiredService<ILeadership>();
        if (leadership.IsLeader || context.RequestServices.GetService<IClusterView>() is not { } cluster || !MustRefuse(context))
        {
            await next(context);
            return;
        }

        if (cluster.LeaderId is { } leader)
        {
            context.Response.Headers["Edge-Leader"] = leader;
            var where = cluster.LeaderUrl is { } url ? $"{leader} ({url})" : leader;
            await Api.ApiProblems.Result(StatusCodes.Status421MisdirectedRequest,
                $"controller '{cluster.MemberId}' is a follower; {context.Request.Method} {context.Request.Path} needs the leader, '{where}' in term {cluster.LatestTerm}: send it there",
                [new("leader", leader), new("leaderUrl", cluster.LeaderUrl), new("term", cluster.LatestTerm)]).ExecuteAsync(context);
            return;
        }

        context.Response.Headers.RetryAfter = "1";
        await Api.ApiProblems.Result(StatusCodes.Status503ServiceUnavailable,
            $"controller '{cluster.MemberId}' is not the leader and no leader is known (election in progress or etcd unreachable); {context.Request.Method} {context.Request.Path} needs the leader: retry").ExecuteAsync(context);
    });

    /// <summary>True for a mutating <c>/api</c> call, or for any call whose handler takes leader-owned state.</summary>
    public static bool MustRefuse(HttpContext context)
    {
        var method = context.Request.Method;
        if (context.Request.Path.StartsWithSegments("/api") && !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)))
        {
            return true;
        }

        return context.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>() is { } handler
            && handler.GetParameters().Any(p => NeedsLeader(p.ParameterType, 0));
    }

    private static bool NeedsLeader(Type type, int depth) => Needs.GetOrAdd(type, t =>
        LeaderOwned.Contains(t)
        || (depth < 3 && t.IsClass && t.Namespace?.StartsWith("Edge.Controller", StringComparison.Ordinal) == true
            && t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                .Any(c => c.GetParameters().Any(p => p.ParameterType != t && NeedsLeader(p.ParameterType, depth + 1)))));
}
