namespace Edge.Ctl.Top;

/// <summary>The latest values of one node, as <c>edgectl top</c> shows them.</summary>
internal sealed record NodeSnapshot(
    string NodeId,
    bool Online,
    double CapacityCores,
    double CapacityMiB,
    string Tier,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Latest)
{
    public double? Node(string metric) => Value("node", metric);

    public double? Value(string scope, string metric) =>
        Latest.TryGetValue(scope, out var metrics) && metrics.TryGetValue(metric, out var v) ? v : null;

    public IEnumerable<string> Instances => Latest.Keys.Where(k => k.StartsWith("instance/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
}
