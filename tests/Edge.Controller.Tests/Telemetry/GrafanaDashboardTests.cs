using System.Text.Json;
using System.Text.RegularExpressions;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Telemetry;

/// <summary>
/// packaging/grafana/edge-dashboard.json against a live controller's <c>/metrics</c>: valid JSON, every panel's
/// PromQL names only families the endpoint exports, and every panel reads the datasource template variable (so the
/// dashboard imports into any Grafana with any Prometheus datasource name).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class GrafanaDashboardTests : IDisposable
{
    private static readonly HashSet<string> PromQlWords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan",
    };

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Edge.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The metric names a PromQL expression reads: identifiers that are not functions, keywords, label matchers, grouping labels or durations.</summary>
    internal static IReadOnlyList<string> MetricNames(string expr)
    {
        var stripped = Strings().Replace(expr, " ");
        stripped = Matchers().Replace(stripped, " ");
        stripped = Ranges().Replace(stripped, " ");
        stripped = Grouping().Replace(stripped, " ");
        return [.. Identifiers().Matches(stripped)
            .Where(m => !stripped[(m.Index + m.Length)..].TrimStart().StartsWith('('))
            .Select(m => m.Value)
            .Where(n => !PromQlWords.Contains(n.ToLowerInvariant()))
            .Distinct(StringComparer.Ordinal)];
    }

    [Fact]
    public void MetricNames_ReadsMetricsButNotFunctionsLabelsOrDurations()
    {
        Assert.Equal(["edge_a_total", "edge_b"], MetricNames("""sum by (outcome, le) (rate(edge_a_total{kind=~"x|y", node!="n"}[5m])) / on (node) group_left edge_b offset 5m"""));
        Assert.Equal(["edge_lag_seconds_bucket"], MetricNames("histogram_quantile(0.95, sum by (le) (rate(edge_lag_seconds_bucket[1h30m])))"));
    }

    [Fact]
    public async Task Dashboard_EveryExpressionNamesAnExportedFamily_DatasourceIsATemplateVariable()
    {
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "packaging", "grafana", "edge-dashboard.json"), TestContext.Current.CancellationToken));
        var root = document.RootElement;
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        var datasource = variables.Single(v => v.GetProperty("type").GetString() == "datasource");
        Assert.Equal("prometheus", datasource.GetProperty("query").GetString());
        var reference = "${" + datasource.GetProperty("name").GetString() + "}";

        var panels = root.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();
        Assert.True(panels.Count >= 10, $"{panels.Count} panels");
        var expressions = new List<(string Panel, string Expr)>();
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString()!;
            Assert.True(panel.GetProperty("datasource").GetProperty("uid").GetString() == reference, $"panel '{title}' does not read {reference}");
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                Assert.True(target.GetProperty("datasource").GetProperty("uid").GetString() == reference, $"a target of '{title}' does not read {reference}");
                expressions.Add((title, target.GetProperty("expr").GetString()!));
            }
        }

        await using var controller = await MetricsEndpointTests.StartControllerAsync(_dir.Path);
        var viewer = await MetricsEndpointTests.CreateTokenAsync(controller, "viewer");
        var (_, _, body) = await MetricsEndpointTests.ScrapeAsync(controller, viewer);
        var families = Exposition.Parse(body).Types;

        bool Exported(string name) =>
            families.ContainsKey(name)
            || (HistogramSeries().Match(name) is { Success: true } m && families.GetValueOrDefault(m.Groups[1].Value) == "histogram");

        var unknown = expressions.SelectMany(e => MetricNames(e.Expr).Where(n => !Exported(n)).Select(n => $"'{n}' in panel '{e.Panel}'")).ToList();
        Assert.True(unknown.Count == 0, "not exported by /metrics: " + string.Join("; ", unknown));
        var named = expressions.SelectMany(e => MetricNames(e.Expr)).ToHashSet(StringComparer.Ordinal);
        foreach (var required in new[] { "edge_node_cpu_capacity_cores", "edge_node_cpu_reserved_cores", "edge_node_cpu_used_cores", "edge_component_forecast_cpu_lower_cores", "edge_component_actual_memory_peak_bytes", "edge_allocator_queued_requests", "edge_allocator_outcomes_total", "edge_adjuster_actions_total", "edge_feedback_runs_total", "edge_ingest_samples_total", "edge_ingest_dropped_total", "edge_mqtt_connected_clients", "edge_broker_refused_total" })
        {
            Assert.Contains(required, named);
        }
    }

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]|\boffset\s+\w+")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifiers();

    [GeneratedRegex("^(.*)_(bucket|sum|count)$")]
    private static partial Regex HistogramSeries();
}
