using System.Diagnostics.Metrics;
using Edge.Common.Contracts;
using Edge.Controller.Options;
using Edge.Controller.Profiles;
using Edge.Controller.Tests.Infrastructure;
using Edge.Models.Profiling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Profiles;

public sealed class FeedbackLedgerTests
{
    [Fact]
    public void Record_PastTheCompactionThreshold_KeepsTheLatestRunsAndCarriesTheTotalsOfTheRest()
    {
        using var dir = new TempDirectory();
        using (var ledger = Ledger(dir.Path, keep: 5, compactAt: 40))
        {
            for (var i = 0; i < 30; i++)
            {
                ledger.Record(Run("etl/big", i, i % 10 == 0 ? RunOutcomes.OomKilled : RunOutcomes.Succeeded));
            }

            for (var i = 0; i < 12; i++)
            {
                ledger.Record(Run("etl/small", i, RunOutcomes.Succeeded));
            }

            // The 40th run reached the threshold: 5 runs and one carry line per component were left, then 2 more came.
            Assert.Equal(14, File.ReadAllLines(ledger.LedgerPath).Length);
            Assert.Equal(42, ledger.Count);
            AssertTotals(ledger.Summary("etl/big")!, runs: 30, oom: 3);
            ledger.Record(Run("etl/big", 30, RunOutcomes.Succeeded));
            Assert.Equal(15, File.ReadAllLines(ledger.LedgerPath).Length);
        }

        // After a restart every run is still counted, and the forecaster learns from the runs kept.
        using var reopened = Ledger(dir.Path, keep: 5, compactAt: 40);
        AssertTotals(reopened.Summary("etl/big")!, runs: 31, oom: 3);
        Assert.Equal(12, reopened.Summary("etl/small")!.Runs);
        Assert.Equal(43, reopened.Count);
        Assert.Equal(6, reopened.History().Count(r => r.ComponentId == "etl/big"));
        Assert.Equal("run-30", reopened.Summary("etl/big")!.RecentRuns[0].InstanceId);
    }

    [Fact]
    public void Open_LedgerWithADamagedLine_CompactsItAsideAndLosesNoRun()
    {
        using var dir = new TempDirectory();
        using (var ledger = Ledger(dir.Path, keep: 100, compactAt: 1000))
        {
            for (var i = 0; i < 3; i++)
            {
                ledger.Record(Run("etl/a", i, RunOutcomes.Succeeded));
            }
        }

        var path = Path.Combine(dir.Path, "feedback", "runs.jsonl");
        File.AppendAllLines(path, ["{\"componentId\": \"etl/a\", truncated"]);

        using var reopened = Ledger(dir.Path, keep: 100, compactAt: 4);

        Assert.Equal(3, reopened.Summary("etl/a")!.Runs);
        Assert.Equal(3, File.ReadAllLines(path).Length);
        Assert.Equal(["{\"componentId\": \"etl/a\", truncated"], File.ReadAllLines(reopened.DamagedPath));
    }

    [Theory]
    [InlineData(0.40, 0, 0.40)] // well inside its 0.6-core limit: learned as used
    [InlineData(0.58, 0, 0.58)] // at its limit but never throttled: a CPU-bound step that had what it needed, learned as used
    [InlineData(0.58, 1, 0.58)] // throttled 3% of its 30 s (below 5%): likewise
    [InlineData(0.40, 3, 0.72)] // throttled 10% of its 30 s: held by its quota, learned as the limit x 1.2
    public void Record_CpuHeldByItsLimit_IsLearnedAboveTheLimitOnlyWhenThrottled(double peakCores, double throttledSeconds, double learned)
    {
        using var dir = new TempDirectory();
        using var ledger = Ledger(dir.Path, keep: 10, compactAt: 100);

        ledger.Record(Run("etl/cpu", 0, RunOutcomes.Succeeded) with { PeakCpuCores = peakCores, ThrottledSeconds = throttledSeconds });

        Assert.Equal(learned, ledger.History().Single().CpuCores, 9);
    }

    [Theory]
    [InlineData(100, RunOutcomes.Succeeded, 100)] // well inside its 128 MiB limit: learned as used
    [InlineData(110, RunOutcomes.Succeeded, 110)] // 86% of it: learned as used
    [InlineData(123, RunOutcomes.Succeeded, 153.6)] // 96% of it: pressed against the limit, learned as the limit x 1.2
    [InlineData(90, RunOutcomes.OomKilled, 153.6)] // OOM-killed: likewise, whatever its last reading
    public void Record_MemoryAtItsLimitOrOomKilled_IsLearnedAboveTheLimit(double peakMiB, string outcome, double learned)
    {
        using var dir = new TempDirectory();
        using var ledger = Ledger(dir.Path, keep: 10, compactAt: 100);

        ledger.Record(Run("etl/mem", 0, outcome) with { PeakMemoryMiB = peakMiB });

        Assert.Equal(learned, ledger.History().Single().MemoryMiB, 9);
    }

    [Theory]
    [InlineData(6.2, null, 6.2)] // no cap: learned as measured
    [InlineData(6.2, 20.0, 6.2)] // well under its cap
    [InlineData(9.5, 10.0, 12.0)] // at its cap (the token bucket held it): censored, learned as the cap x 1.2
    public void Record_NetworkPeak_IsLearnedAndCensoredAtItsCap(double peakMbps, double? capMbps, double learned)
    {
        using var dir = new TempDirectory();
        using var ledger = Ledger(dir.Path, keep: 10, compactAt: 100);

        ledger.Record(Run("etl/net", 0, RunOutcomes.Succeeded) with { PeakNetworkMbps = peakMbps, FinalLimits = new ResourceQuantity(600, 128, capMbps) });

        Assert.Equal(learned, ledger.History().Single().NetworkMbps, 9);
    }

    private static void AssertTotals(ComponentSummary summary, int runs, int oom)
    {
        Assert.Equal(runs, summary.Runs);
        Assert.Equal(oom, summary.OomKilled);
        Assert.Equal(runs - oom, summary.Succeeded);
    }

    private static FeedbackLedger Ledger(string dataDirectory, int keep, int compactAt)
    {
        var controller = Microsoft.Extensions.Options.Options.Create(new ControllerOptions { DataDirectory = dataDirectory });
        var forecaster = new Forecaster(
            Microsoft.Extensions.Options.Options.Create(new ComponentProfilerOptions()),
            Microsoft.Extensions.Options.Options.Create(new LearningOptions()),
            controller,
            TimeProvider.System,
            NullLogger<Forecaster>.Instance);
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return new FeedbackLedger(controller, forecaster, NullLogger<FeedbackLedger>.Instance, meters, keep, compactAt);
    }

    private static RunRecord Run(string componentId, int i, string outcome) => new()
    {
        ComponentId = componentId,
        InstanceId = $"run-{i}",
        NodeId = "node-a",
        StartedAtMs = 1_700_000_000_000 + (i * 60_000L),
        EndedAtMs = 1_700_000_030_000 + (i * 60_000L),
        Outcome = outcome,
        DurationSeconds = 30,
        CpuSeconds = 15,
        PeakCpuCores = 0.5,
        PeakMemoryMiB = 100 + i,
        Predicted = new PredictionProfile
        {
            ComponentId = componentId,
            Cpu = 600,
            Memory = 128,
            NetworkBandwidth = 0,
            Model = "edge",
            ConfidenceInterval = new ConfidenceInterval(0.9, new IntervalBounds(300, 900), new IntervalBounds(90, 160), new IntervalBounds(0, 0)),
        },
        FinalLimits = new ResourceQuantity(600, 128),
    };
}
