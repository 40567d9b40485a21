using System.CommandLine;
using System.Text.Json;
using Edge.Ctl.Backtest;

namespace Edge.Models.Tests.Ctl;

public sealed class BacktestCommandTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("edge-report-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task Backtest_BitbrainsSampleJson_WritesASummaryAndExitsZero()
    {
        var (code, stdout, stderr) = await Run("--format", "bitbrains", "--data", SampleData.Bitbrains, "--resource", "cpu", "--recommenders", "vpa,edge,oracle", "--json", "--no-sweep");

        Assert.Equal(ExitCodes.Success, code);
        using var json = JsonDocument.Parse(stdout);
        var cpu = json.RootElement.GetProperty("resources")[0];
        Assert.Equal("cpu", cpu.GetProperty("resource").GetString());
        Assert.Equal(4, cpu.GetProperty("seriesScored").GetInt32());
        Assert.Equal(3, cpu.GetProperty("recommenders").GetArrayLength());
        var baselines = cpu.GetProperty("baselines").GetProperty("all");
        Assert.Equal(1, baselines.GetArrayLength());
        Assert.Equal("vpa", baselines[0].GetProperty("baseline").GetString());
        Assert.Contains(baselines[0].GetProperty("edgeBetter").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        Assert.True(baselines[0].GetProperty("slackPercent").GetDouble() > 0);
        Assert.Contains("series scored", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_Ensemble_IsAcceptedAndScoredWithAnInterval()
    {
        var (code, stdout, _) = await Run("--format", "bitbrains", "--data", SampleData.Bitbrains, "--resource", "cpu", "--recommenders", "edge,ensemble", "--json", "--no-sweep");

        Assert.Equal(ExitCodes.Success, code);
        using var json = JsonDocument.Parse(stdout);
        var ensemble = json.RootElement.GetProperty("resources")[0].GetProperty("recommenders").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "ensemble");
        var all = ensemble.GetProperty("sweep")[0].GetProperty("all");
        Assert.InRange(all.GetProperty("coverage").GetDouble(), 0.5, 1);
        Assert.True(all.GetProperty("slackPercent").GetDouble() > 0);
    }

    [Fact]
    public async Task Backtest_BitbrainsNetwork_ScoresEveryPartWithEdgesIntervalAndWritesItsReport()
    {
        var (code, stdout, _) = await Run("--format", "bitbrains", "--data", SampleData.Bitbrains, "--resource", "network", "--recommenders", "vpa,autopilot-max,edge,oracle", "--json", "--out", _out);

        Assert.Equal(ExitCodes.Success, code);
        using var json = JsonDocument.Parse(stdout);
        var network = Assert.Single(json.RootElement.GetProperty("resources").EnumerateArray());
        Assert.Equal("network", network.GetProperty("resource").GetString());
        Assert.Equal(4, network.GetProperty("seriesScored").GetInt32());
        var edge = network.GetProperty("recommenders").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "edge");
        var point = edge.GetProperty("sweep").EnumerateArray().Single(p => p.GetProperty("default").GetBoolean());
        foreach (var part in new[] { "all", "tuning", "heldOutSeries", "heldOutTime" })
        {
            var m = point.GetProperty(part);
            Assert.True(m.GetProperty("samples").GetInt64() > 0, part);
            var coverage = m.GetProperty("coverage").GetDouble();
            Assert.InRange(coverage, 0.5, 1.0);
            // The misses split by side add up to what the coverage leaves out.
            var below = m.GetProperty("belowIntervalPercent").GetDouble();
            var above = m.GetProperty("aboveIntervalPercent").GetDouble();
            Assert.True(below >= 0 && above > 0, $"{part}: {below}% below, {above}% above");
            Assert.Equal(100 * (1 - coverage), below + above, 3);
            Assert.True(m.GetProperty("reservedUnitHours").GetDouble() > m.GetProperty("usedUnitHours").GetDouble() * 0.5, part);
        }

        var report = await File.ReadAllTextAsync(Path.Combine(_out, "backtest-report.md"), TestContext.Current.CancellationToken);
        Assert.Contains("## network", report, StringComparison.Ordinal);
        Assert.Contains("| reserved Mbit-h |", report, StringComparison.Ordinal);
        Assert.Contains("### network — heldOutTime", report, StringComparison.Ordinal);
        Assert.StartsWith("<svg", await File.ReadAllTextAsync(Path.Combine(_out, "backtest-report-example-network.svg"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_ResourceAll_ScoresCpuMemoryAndNetwork_AnUnknownOneIsRefused()
    {
        var (code, stdout, _) = await Run("--format", "bitbrains", "--data", SampleData.Bitbrains, "--resource", "all", "--recommenders", "edge", "--json", "--no-sweep");

        Assert.Equal(ExitCodes.Success, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(["cpu", "memory", "network"], json.RootElement.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("resource").GetString()));

        var (bad, _, _) = await Run("--format", "bitbrains", "--data", SampleData.Bitbrains, "--resource", "disk");
        Assert.NotEqual(ExitCodes.Success, bad);
    }

    [Fact]
    public async Task Backtest_WfInstancesWithOut_WritesTheReportAndCharts()
    {
        var (code, _, _) = await Run("--format", "wfinstances", "--data", SampleData.WfInstances, "--resource", "memory", "--recommenders", "vpa,edge,autopilot", "--out", _out);

        Assert.Equal(ExitCodes.Success, code);
        var report = await File.ReadAllTextAsync(Path.Combine(_out, "backtest-report.md"), TestContext.Current.CancellationToken);
        Assert.Contains("## memory", report, StringComparison.Ordinal);
        Assert.Contains("| all | autopilot-pct |", report, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_out, "backtest-report-slack-vs-violation-memory.svg")));
        Assert.StartsWith("<svg", await File.ReadAllTextAsync(Path.Combine(_out, "backtest-report-example-memory.svg"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_UnknownRecommenderAndBadStep_ReportsBothAndExitsOne()
    {
        var (code, _, stderr) = await Run("--format", "bitbrains", "--data", SampleData.Bitbrains, "--recommenders", "vpa,nope", "--step", "soon");

        Assert.Equal(ExitCodes.InvalidArguments, code);
        Assert.Contains("'nope'", stderr, StringComparison.Ordinal);
        Assert.Contains("'soon'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_DataWithoutEnoughSamples_ExitsTwo()
    {
        var (code, _, _) = await Run("--format", "edge", "--data", SampleData.Edge, "--warmup", "30d");

        Assert.Equal(ExitCodes.NoUsableData, code);
    }

    [Fact]
    public async Task Backtest_NextflowTraceWithOut_PrintsATablePerWorkflowAndWritesReportAndChart()
    {
        var (code, stdout, stderr) = await Run("--format", "nextflow", SampleData.NextflowTrace, "--seeds", "1", "--methods", "preset,tovar,witt-pct,edge-sizing", "--out", _out);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("3 task types with >= 34 instances", stderr, StringComparison.Ordinal);
        Assert.Equal(4, stdout.Split('\n').Count(l => l.StartsWith("NFCORE_DEMO ", StringComparison.Ordinal)));
        var report = await File.ReadAllTextAsync(Path.Combine(_out, "backtest-sizing.md"), TestContext.Current.CancellationToken);
        Assert.Contains("## NFCORE_DEMO (3 task types", report, StringComparison.Ordinal);
        Assert.Contains("## Goal check", report, StringComparison.Ordinal);
        Assert.StartsWith("<svg", await File.ReadAllTextAsync(Path.Combine(_out, "backtest-sizing-wastage.svg"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_NextflowWithAFailureBudget_RunsEdgeSizingBudgetAndRefusesABudgetOutsideZeroToOne()
    {
        var (code, stdout, _) = await Run("--format", "nextflow", SampleData.NextflowTrace, "--seeds", "1", "--methods", "edge-sizing,edge-sizing-budget", "--max-failure-rate", "0.05");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains(stdout.Split('\n'), l => l.StartsWith("NFCORE_DEMO ", StringComparison.Ordinal) && l.Contains(" edge-sizing-budget ", StringComparison.Ordinal));

        var (refused, _, stderr) = await Run("--format", "nextflow", SampleData.NextflowTrace, "--max-failure-rate", "1.5");
        Assert.Equal(ExitCodes.InvalidArguments, refused);
        Assert.Contains("--max-failure-rate: 1.5 must be above 0 and below 1", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_NextflowWithoutFilesOrWithUnknownMethod_SaysWhatIsWrong()
    {
        var (code, _, stderr) = await Run("--format", "nextflow", "--methods", "tovar,magic");

        Assert.Equal(ExitCodes.InvalidArguments, code);
        Assert.Contains("no trace given", stderr, StringComparison.Ordinal);
        Assert.Contains("unknown method 'magic'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_NextflowTooFewInstances_ExitsNoUsableDataNamingTheLargestType()
    {
        var (code, _, stderr) = await Run("--format", "nextflow", SampleData.NextflowTrace, "--min-instances", "100");

        Assert.Equal(ExitCodes.NoUsableData, code);
        Assert.Contains("the largest has 60", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var root = new RootCommand { BacktestCommand.Create(stdout, stderr) };
        var code = await root.Parse(["backtest", .. args]).InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
