using Edge.Models.Backtest.Sizing;

namespace Edge.Models.Tests.Backtest.Sizing;

public sealed class SizingBacktestTests
{
    private static readonly SizingContext Context = new(1024 * 1024, 6 * 1024);

    [Fact]
    public void Split_IsSeededThirtySeventyAndCoversEveryTaskOnce()
    {
        var group = Tasks(40, i => 100 + i);

        var (history, online) = SizingBacktest.Split(group, 0.3, 7);
        var (again, _) = SizingBacktest.Split(group, 0.3, 7);
        var (other, _) = SizingBacktest.Split(group, 0.3, 8);

        Assert.Equal(12, history.Count);
        Assert.Equal(28, online.Count);
        Assert.Equal(group.OrderBy(t => t.PeakMiB), history.Concat(online).OrderBy(t => t.PeakMiB));
        Assert.Equal(history, again);
        Assert.NotEqual(history, other);
    }

    [Fact]
    public void Simulate_FixedSizes_ChargesFailedAttemptsOversizingAndMaqAsWittDefines()
    {
        // Sizes 100 then 200 after a failure: a 150 MiB task fails once (100 × 10 s) and wastes (200 − 150) × 10 s.
        var online = new[] { Task(150, 10), Task(80, 20) };
        var outcome = SizingBacktest.Simulate(new Fixed(100, 200), [Task(90, 1)], online, Context, 30, 1);

        Assert.Equal(1, outcome.Failures);
        Assert.Equal(100 * 10, outcome.UndersizingMiBs, 6);
        Assert.Equal((50 * 10) + (20 * 20), outcome.OversizingMiBs, 6);
        Assert.Equal((150 * 10) + (80 * 20), outcome.UsageMiBs, 6);
        var totals = SizingTotals.Of("w", "fixed", [outcome]);
        Assert.Equal(outcome.UsageMiBs / (outcome.UsageMiBs + outcome.WastageMiBs), totals.Maq, 9);
        Assert.Equal(outcome.WastageMiBs / (1024 * 3600), totals.WastageGiBh, 12);
    }

    [Fact]
    public void Simulate_RetryNotAboveTheFailedSize_IsDoubled()
    {
        var outcome = SizingBacktest.Simulate(new Fixed(100, 50), [Task(90, 1)], [Task(350, 1)], Context, 30, 1);

        // 100 fails, the method says 50: doubled to 200, fails; 50 again: doubled to 400, succeeds.
        Assert.Equal(2, outcome.Failures);
        Assert.Equal(300, outcome.UndersizingMiBs, 6);
        Assert.Equal(50, outcome.OversizingMiBs, 6);
    }

    [Fact]
    public void Tovar_FirstAllocationMinimisesExpectedWasteAndRetriesAtTheMaximumSeen()
    {
        // Peaks 10 (×9, 1 s) and 100 (×1, 1 s): a = 10 costs 10·10 + 100·1 = 200, a = 100 costs 1000.
        var history = Enumerable.Range(0, 9).Select(_ => Task(10, 1)).Append(Task(100, 1)).ToList();
        var sizer = new TovarMethod().Create(history, Context);

        Assert.Equal(10, sizer.Size(Task(50, 1)));
        Assert.Equal(100, sizer.Retry(Task(50, 1), 10, 1));
        Assert.Equal(Context.NodeMemoryMiB, sizer.Retry(Task(500, 1), 100, 2));
    }

    [Fact]
    public void WittPercentile_IsThe95thPercentileAndDoublesOnFailure()
    {
        var sizer = new WittPercentileMethod().Create(Tasks(21, i => 10 * i), Context);

        Assert.Equal(190, sizer.Size(Task(1, 1)), 9);
        Assert.Equal(380, sizer.Retry(Task(1, 1), 190, 1), 9);
    }

    [Fact]
    public void WittRegression_FollowsInputSize()
    {
        var history = Enumerable.Range(1, 20).Select(i => new SizingTask("w", "t", 100 + (2 * i), 1, i * 1e6)).ToList();
        var sizer = new WittRegressionMethod().Create(history, Context);

        Assert.Equal(100 + 60, sizer.Size(new SizingTask("w", "t", 0, 1, 30e6)), 6);
        Assert.Equal(100 + 20, sizer.Size(new SizingTask("w", "t", 0, 1, 10e6)), 6);
    }

    [Fact]
    public void Run_EveryMethodOnTheShippedSample_SizesEveryOnlineTaskAndEdgeSizingWastesLessThanThePresets()
    {
        var set = NextflowTraceReader.Read([SampleData.NextflowTrace], TestContext.Current.CancellationToken);
        var methods = new ISizingMethod[] { new PresetMethod(), new TovarMethod(), new WittPercentileMethod(), new WittRegressionMethod(), new SizeyMethod(), new EdgeSizingMethod() };

        var outcomes = SizingBacktest.Run(set.Tasks, methods, new SizingOptions { Seeds = [1] }, TestContext.Current.CancellationToken);

        Assert.Equal(3 * methods.Length, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.UsageMiBs > 0 && o.OversizingMiBs >= 0 && o.UndersizingMiBs >= 0));
        Assert.All(outcomes.Where(o => o.Method == "preset"), o => Assert.Equal(0, o.Failures));
        var totals = SizingTotals.PerWorkflow(outcomes);
        Assert.True(totals.Single(t => t.Method == "edge-sizing").WastageGiBh < totals.Single(t => t.Method == "preset").WastageGiBh);
    }

    private static SizingTask Task(double peak, double runtime) => new("w", "t", peak, runtime, 0);

    private static List<SizingTask> Tasks(int n, Func<int, double> peak) => [.. Enumerable.Range(0, n).Select(i => Task(peak(i), 1))];

    private sealed class Fixed(double first, double retry) : ISizingMethod, ISizer
    {
        public string Name => "fixed";

        public ISizer Create(IReadOnlyList<SizingTask> history, SizingContext context) => this;

        public double Size(SizingTask task) => first;

        public double Retry(SizingTask task, double failedMiB, int attempt) => retry;

        public void Learn(SizingTask task)
        {
        }
    }
}
