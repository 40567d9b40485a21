using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Edge.Controller.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Nodes;

/// <summary>
/// Counts every refusal of (part of) a node's report — meter <c>Edge.Controller.Nodes</c>, counter
/// <c>edge.nodes.refused</c> tagged with <c>reason</c> and <c>node</c> — and logs at most one warning per node and reason
/// per <see cref="NodeReportOptions.LogInterval"/>, saying how many were not logged since. The counter sees every one.
/// </summary>
internal sealed partial class NodeReportRefusals
{
    public const string MeterName = "Edge.Controller.Nodes";

    private readonly Counter<long> _refused;
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly LogThrottle<(string Node, string Reason)> _throttle;
    private readonly ILogger<NodeReportRefusals> _logger;

    public NodeReportRefusals(IMeterFactory meterFactory, IOptions<NodeReportOptions> options, TimeProvider time, ILogger<NodeReportRefusals> logger)
    {
        _refused = meterFactory.Create(MeterName).CreateCounter<long>("edge.nodes.refused", description: "Parts of node reports refused or corrected, by reason");
        _throttle = new LogThrottle<(string Node, string Reason)>(time, options.Value.LogInterval);
        _logger = logger;
    }

    /// <summary>How many refusals with this reason were counted (all nodes).</summary>
    public long Count(string reason) => _totals.TryGetValue(reason, out var n) ? n : 0;

    public void Refuse(string node, ReportProblem problem, long count = 1)
    {
        if (count <= 0)
        {
            return;
        }

        _totals.AddOrUpdate(problem.Reason, count, (_, n) => n + count);
        _refused.Add(count, new KeyValuePair<string, object?>("reason", problem.Reason), new KeyValuePair<string, object?>("node", node));
        if (!_throttle.ShouldLog((node, problem.Reason), count, out var suppressed))
        {
            return;
        }

        LogRefused(node, problem.Reason, problem.Detail, suppressed);
    }

    [LoggerMessage(4201, LogLevel.Warning, "Refused part of node {Node}'s report ({Reason}): {Detail} ({Suppressed} more like it not logged since the last warning)")]
    private partial void LogRefused(string node, string reason, string detail, long suppressed);
}
