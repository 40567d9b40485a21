using Edge.Ctl.Api;

namespace Edge.Ctl.Top;

/// <summary>Reads nodes and their latest samples from the controller's HTTP API (typed records, <see cref="EdgeClient"/>).</summary>
internal sealed class EdgeApiClient(HttpClient http)
{
    private readonly EdgeClient _client = new(http);

    public async Task<IReadOnlyList<NodeSnapshot>> SnapshotAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var result = new List<NodeSnapshot>();
        var to = DateTimeOffset.UtcNow.AddSeconds(5).ToUnixTimeMilliseconds();
        var from = DateTimeOffset.UtcNow.Subtract(window).ToUnixTimeMilliseconds();
        foreach (var node in await _client.NodesAsync(cancellationToken))
        {
            var status = node.Status;
            var metrics = await _client.MetricsAsync(node.NodeId, from, to, cancellationToken);
            var latest = metrics.Series
                .Where(s => s.Points is { Count: > 0 })
                .GroupBy(s => s.Scope, StringComparer.Ordinal)
                .ToDictionary(
                    g => g.Key,
                    g => (IReadOnlyDictionary<string, double>)g.GroupBy(s => s.Metric, StringComparer.Ordinal).ToDictionary(m => m.Key, m => m.Last().Points![^1].V, StringComparer.Ordinal),
                    StringComparer.Ordinal);
            result.Add(new NodeSnapshot(node.NodeId, node.Online, (status?.Capacity.CpuMillicores ?? 0) / 1000, status?.Capacity.MemoryMiB ?? 0, status is null ? "" : Cli.Units.Name(status.Pricing.Tier), latest));
        }

        return result;
    }
}
