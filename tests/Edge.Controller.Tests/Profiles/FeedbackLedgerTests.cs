using System.Diagnostics.Metrics;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Options;
using Edge.Controller.Profiles;
using Edge.Controller.State;
using Edge.Controller.Tests.Infrastructure;
using Edge.Models.Profiling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Profiles;

public sealed class FeedbackLedgerTests
{
    [Fact]
    public void Record_PastTheRetention_KeepsTheLatestRunsInTheStoreAndCarriesTheTotalsOfTheRest()
    {
        using var dir = new TempDirectory();
        using (var ledger = Ledger(dir.Path, keep: 5))
        {
            for (var i = 0; i < 30; i++)
            {
                ledger.Record(Run("etl/big", i, i % 10 == 0 ? RunOutcomes.OomKilled : RunOutcomes.Succeeded));
            }

            for (var i = 0; i < 12; i++)
            {
                ledger.Record(Run("etl/small", i, RunOutcomes.Succeeded));
            }

            Assert.Equal(42, ledger.Count);
            AssertTotals(ledger.Summary("etl/big")!, runs: 30, oom: 3);
        }

        using (var state = new SqliteStateStore(Path.Combine(dir.Path, "state.db")))
        {
            // Five runs per component stored, the latest ones, and one carried record per component for the rest.
            var stored = state.List(FeedbackRunStore.Runs).Select(r => r.Decode(FeedbackJsonContext.Default.RunRecord)).ToList();
            Assert.Equal([.. Enumerable.Range(25, 5).Select(i => $"run-{i}")], stored.Where(r => r.ComponentId == "etl/big").Select(r => r.InstanceId));
            Assert.Equal([.. Enumerable.Range(7, 5).Select(i => $"run-{i}")], stored.Where(r => r.ComponentId == "etl/small").Select(r => r.InstanceId));
            var carried = state.List(FeedbackRunStore.Carried).Select(r => r.Decode(FeedbackJsonContext.Default.LedgerCarry).Carried).ToDictionary(c => c.ComponentId);
            Assert.Equal(25, carried["etl/big"].Runs);
            Assert.Equal(3, carried["etl/big"].OomKilled);
            Assert.Equal(7, carried["etl/small"].Runs);
        }

        // After a restart every run is still counted, the forecaster learns from the runs kept, and recording goes on.
        using var reopened = Ledger(dir.Path, keep: 5);
        AssertTotals(reopened.Summary("etl/big")!, runs: 30, oom: 3);
        Assert.Equal(12, reopened.Summary("etl/small")!.Runs);
        Assert.Equal(42, reopened.Count);
        Assert.Equal(5, reopened.History().Count(r => r.ComponentId == "etl/big"));
        Assert.True(reopened.Record(Run("etl/big", 30, RunOutcomes.Succeeded)));
        AssertTotals(reopened.Summary("etl/big")!, runs: 31, oom: 3);
        Assert.Equal("run-30", reopened.Summary("etl/big")!.RecentRuns[0].InstanceId);
    }

    [Fact]
    public void Open_ALedgerFileOfAnEarlierVersion_IsImportedOnceWithRetention_AndKeptAside()
    {
        using var dir = new TempDirectory();
        var legacy = Path.Combine(dir.Path, "feedback");
        Directory.CreateDirectory(legacy);
        var lines = new List<string>
        {
            // A carry line an earlier compaction wrote, 8 runs, a damaged line: the import keeps what it can read.
            JsonSerializer.Serialize(new LedgerCarry(new RunTotals { ComponentId = "etl/a", Runs = 100, Succeeded = 90, Failed = 10 }), FeedbackJsonContext.Default.LedgerCarry),
        };
        lines.AddRange(Enumerable.Range(0, 8).Select(i => JsonSerializer.Serialize(Run(i % 2 == 0 ? "etl/a" : "etl/b", i, RunOutcomes.Succeeded), FeedbackJsonContext.Default.RunRecord)));
        lines.Add("{\"componentId\": \"etl/a\", truncated");
        File.WriteAllLines(Path.Combine(legacy, "runs.jsonl"), lines);

        using (var ledger = Ledger(dir.Path, keep: 3))
        {
            Assert.Equal(108, ledger.Count);
            Assert.Equal(104, ledger.Summary("etl/a")!.Runs);
            Assert.Equal(4, ledger.Summary("etl/b")!.Runs);
            Assert.Equal(3, ledger.History().Count(r => r.ComponentId == "etl/a"));
            Assert.Equal("run-6", ledger.Summary("etl/a")!.RecentRuns[0].InstanceId);
        }

        Assert.False(File.Exists(Path.Combine(legacy, "runs.jsonl")));
        Assert.True(File.Exists(Path.Combine(legacy, "runs.jsonl.imported")));

        // A ledger file that reappears (an old binary started by mistake) is not imported over the store again.
        File.Copy(Path.Combine(legacy, "runs.jsonl.imported"), Path.Combine(legacy, "runs.jsonl"));
        using var again = Ledger(dir.Path, keep: 3);
        Assert.Equal(108, again.Count);
    }

    [Fact]
    public void Record_StoreRefusesTheWrite_RunIsNotLearned_CountedAndTheLedgerCarriesOn()
    {
        using var dir = new TempDirectory();
        var state = new RefusingStateStore(new SqliteStateStore(Path.Combine(dir.Path, "state.db")));
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = meters.GetRequiredService<IMeterFactory>();
        var failures = new List<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "edge.feedback.store_failures" && instrument.Meter.Scope == factory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    failures.Add(tag.Value as string);
                }
            }
        });
        listener.Start();
        using var ledger = new FeedbackLedger(state, null, 2, Forecaster(dir.Path), NullLogger<FeedbackLedger>.Instance, factory, ownsState: true);
        Assert.True(ledger.Record(Run("etl/a", 0, RunOutcomes.Succeeded)));
        Assert.True(ledger.Record(Run("etl/a", 1, RunOutcomes.Succeeded)));

        // A full device: neither the run nor the trim of the oldest run it brings is applied, in the store or in memory.
        state.Refuse = true;
        Assert.False(ledger.Record(Run("etl/a", 2, RunOutcomes.OomKilled)));
        Assert.Equal(2, ledger.Count);
        Assert.Equal(0, ledger.Summary("etl/a")!.OomKilled);
        Assert.Equal(2, ledger.History().Count);
        Assert.Equal(2, state.Count(FeedbackRunStore.Runs));
        Assert.Equal(["disk_full"], failures);

        state.Refuse = false;
        Assert.True(ledger.Record(Run("etl/a", 3, RunOutcomes.Succeeded)));
        Assert.Equal(3, ledger.Summary("etl/a")!.Runs);
        Assert.Equal(["run-1", "run-3"], state.List(FeedbackRunStore.Runs).Select(r => r.Decode(FeedbackJsonContext.Default.RunRecord).InstanceId));
    }

    [Theory]
    [InlineData(0.40, 0, 0.40)] // well inside its 0.6-core limit: learned as used
    [InlineData(0.58, 0, 0.58)] // at its limit but never throttled: a CPU-bound step that had what it needed, learned as used
    [InlineData(0.58, 1, 0.58)] // throttled 3% of its 30 s (below 5%): likewise
    [InlineData(0.40, 3, 0.72)] // throttled 10% of its 30 s: held by its quota, learned as the limit x 1.2
    public void Record_CpuHeldByItsLimit_IsLearnedAboveTheLimitOnlyWhenThrottled(double peakCores, double throttledSeconds, double learned)
    {
        using var dir = new TempDirectory();
        using var ledger = Ledger(dir.Path, keep: 10);

        ledger.Record(Run("etl/cpu", 0, RunOutcomes.Succeeded) with { PeakCpuCores = peakCores, ThrottledSeconds = throttledSeconds });

        Assert.Equal(learned, ledger.History().Single().CpuCores, 9);
    }

    [Theory]
    [InlineData(100, RunOutcomes.Succeeded, 100, 100)] // well inside its 128 MiB limit: learned as used
    [InlineData(110, RunOutcomes.Succeeded, 110, 110)] // 86% of it: learned as used
    [InlineData(123, RunOutcomes.Succeeded, 153.6, 123)] // 96% of it: pressed against the limit, learned as the limit x 1.2; it did not pass it
    [InlineData(90, RunOutcomes.OomKilled, 153.6, 153.6)] // OOM-killed: likewise, whatever its last reading; it did pass it
    public void Record_MemoryAtItsLimitOrOomKilled_IsLearnedAboveTheLimit(double peakMiB, string outcome, double learned, double measured)
    {
        using var dir = new TempDirectory();
        using var ledger = Ledger(dir.Path, keep: 10);

        ledger.Record(Run("etl/mem", 0, outcome) with { PeakMemoryMiB = peakMiB });

        Assert.Equal(learned, ledger.History().Single().MemoryMiB, 9);
        // The adjuster's memory tail reads the measured peak (Adjustment.MemoryTail): whether the run passed its limit.
        Assert.Equal(measured, ledger.RunsOf("etl/mem").Single().MemoryMiB, 9);
        Assert.Empty(ledger.RunsOf("etl/other"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Record_OomKilledAttemptThenTheStepSucceeds_TheMeasuredPeakReplacesTheGuess(bool supersede)
    {
        // A step killed at its 128 MiB limit (learned as 153.6 MiB: its peak was above the limit by an unknown amount),
        // retried, and succeeding at a measured 140 MiB peak; another step's killed attempt that never succeeded stays.
        using var dir = new TempDirectory();
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        using var ledger = new FeedbackLedger(new SqliteStateStore(Path.Combine(dir.Path, "state.db")), null, 10, Forecaster(dir.Path), NullLogger<FeedbackLedger>.Instance, meters, ownsState: true, supersedeOomKilled: supersede);

        ledger.Record(Run("etl/mem", 0, RunOutcomes.OomKilled) with { WorkflowRunId = "r1", StepId = "a" });
        ledger.Record(Run("etl/mem", 1, RunOutcomes.OomKilled) with { WorkflowRunId = "r1", StepId = "b" });
        ledger.Record(Run("etl/mem", 2, RunOutcomes.Succeeded) with { WorkflowRunId = "r1", StepId = "a", PeakMemoryMiB = 140, FinalLimits = new ResourceQuantity(600, 200) });

        var learned = ledger.History().Select(r => r.MemoryMiB).Order().ToList();
        Assert.Equal(supersede ? [140, 153.6] : [140, 153.6, 153.6], learned, (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal(3, ledger.Summary("etl/mem")!.Runs);
    }

    [Theory]
    [InlineData(6.2, null, 6.2)] // no cap: learned as measured
    [InlineData(6.2, 20.0, 6.2)] // well under its cap
    [InlineData(9.5, 10.0, 12.0)] // at its cap (the token bucket held it): censored, learned as the cap x 1.2
    public void Record_NetworkPeak_IsLearnedAndCensoredAtItsCap(double peakMbps, double? capMbps, double learned)
    {
        using var dir = new TempDirectory();
        using var ledger = Ledger(dir.Path, keep: 10);

        ledger.Record(Run("etl/net", 0, RunOutcomes.Succeeded) with { PeakNetworkMbps = peakMbps, FinalLimits = new ResourceQuantity(600, 128, capMbps) });

        Assert.Equal(learned, ledger.History().Single().NetworkMbps, 9);
    }

    private static void AssertTotals(ComponentSummary summary, int runs, int oom)
    {
        Assert.Equal(runs, summary.Runs);
        Assert.Equal(oom, summary.OomKilled);
        Assert.Equal(runs - oom, summary.Succeeded);
    }

    /// <summary>A ledger on a SQLite store in <paramref name="dataDirectory"/> (importing its <c>feedback/runs.jsonl</c>).</summary>
    private static FeedbackLedger Ledger(string dataDirectory, int keep)
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        var state = new SqliteStateStore(Path.Combine(dataDirectory, "state.db"));
        return new FeedbackLedger(state, Path.Combine(dataDirectory, "feedback"), keep, Forecaster(dataDirectory), NullLogger<FeedbackLedger>.Instance, meters, ownsState: true);
    }

    private static Forecaster Forecaster(string dataDirectory)
    {
        var controller = Microsoft.Extensions.Options.Options.Create(new ControllerOptions { DataDirectory = dataDirectory });
        return new Forecaster(
            Microsoft.Extensions.Options.Options.Create(new ComponentProfilerOptions()),
            Microsoft.Extensions.Options.Options.Create(new LearningOptions()),
            controller,
            TimeProvider.System,
            NullLogger<Forecaster>.Instance);
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
