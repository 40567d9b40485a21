using Edge.Models.Backtest;

namespace Edge.Models.Tests.Backtest;

public sealed class BacktestEngineTests
{
    private static readonly BacktestOptions Tiny = new() { WarmupS = 300, StepSamples = 2, MinScoredSamples = 0, HoldoutFraction = 0, Sweep = false };

    [Fact]
    public void Run_ConstantLimit_MatchesHandComputedMetrics()
    {
        // Warm-up = the first sample (t < t0 + 300 s). Scored u = 1, 3, 2, 0 against L = 2.
        var series = Series(5, 1, 3, 2, 0);
        var m = Metrics(series, new ConstantRecommender(2));

        Assert.Equal(4, m.Samples);
        Assert.Equal(100.0 * 3 / 8, m.SlackPercent, 12);       // (1 + 0 + 0 + 2) / 8; u = L is no violation
        Assert.Equal(25.0, m.ViolationPercent, 12);            // 3 > 2 only
        Assert.Equal(100.0 * 1 / 6, m.ShortfallPercent, 12);   // 1 / (1 + 3 + 2 + 0)
        Assert.Equal(0.5, m.Coverage, 12);                     // [1, 2] holds 1 and 2
        Assert.Equal(25.0, m.BelowIntervalPercent, 12);        // 0 < 1
        Assert.Equal(25.0, m.AboveIntervalPercent, 12);        // 3 > 2
        Assert.Equal(2.0 * 4 * 300 / 3600, m.ReservedUnitHours, 12);
    }

    [Fact]
    public void Run_NoIntervalStated_HasNoCoverageNorMissesBySide()
    {
        var m = BacktestEngine.Run([Series(5, 1, 3)], [new NoIntervalRecommender()], Tiny, null, TestContext.Current.CancellationToken).Recommenders[0].Default.Metrics[Segment.All];

        Assert.Equal(2, m.Samples);
        Assert.True(double.IsNaN(m.Coverage) && double.IsNaN(m.BelowIntervalPercent) && double.IsNaN(m.AboveIntervalPercent));
    }

    [Fact]
    public void Run_LastValueRecommender_SeesOnlyEarlierSamplesAndScoresTheShortLastBlock()
    {
        // Blocks [1,3) [3,5) [5,6): limits 1 (sees u0), 3 (sees u2), 5 (sees u4).
        var series = Series(1, 2, 3, 4, 5, 6);
        var m = Metrics(series, new ConstantRecommender(null));

        Assert.Equal(5, m.Samples);
        Assert.Equal(100.0, m.ViolationPercent, 12);
        Assert.Equal(100.0 * (1 + 2 + 1 + 2 + 1) / 20, m.ShortfallPercent, 12);
    }

    [Fact]
    public void Run_SeriesWithTooFewScoredSamples_IsSkipped()
    {
        var result = BacktestEngine.Run([Series(1, 2, 3)], [new ConstantRecommender(1)], Tiny with { MinScoredSamples = 288 }, null, TestContext.Current.CancellationToken);

        Assert.Equal(0, result.SeriesScored);
        Assert.Single(result.SkippedSeries);
    }

    [Fact]
    public void Run_Parallelism_DoesNotChangeTheResult()
    {
        var random = new Random(3);
        var series = Enumerable.Range(0, 6)
            .Select(k => new UsageSeries($"s{k}", ResourceKind.Cpu, [.. Enumerable.Range(0, 400).Select(i => 300L * i)], [.. Enumerable.Range(0, 400).Select(_ => random.NextDouble())]))
            .ToList();
        var recommenders = RecommenderRegistry.CreateDefault().Resolve("vpa,edge,recent-max", out _);
        var options = new BacktestOptions { WarmupS = 3600, MinScoredSamples = 10 };

        var one = BacktestEngine.Run(series, recommenders, options with { Parallelism = 1 }, null, TestContext.Current.CancellationToken);
        var two = BacktestEngine.Run(series, recommenders, options with { Parallelism = 2 }, null, TestContext.Current.CancellationToken);

        Assert.Equal(
            one.Recommenders.SelectMany(r => r.Sweep).Select(p => p.Metrics[Segment.All].SlackPercent),
            two.Recommenders.SelectMany(r => r.Sweep).Select(p => p.Metrics[Segment.All].SlackPercent));
    }

    [Fact]
    public void Run_RunSeries_DecidesOncePerRunFromEarlierRunsOnly()
    {
        // Three runs (shared timestamps); the first is warm-up. Last value seen before run 2 is 20, before run 3 is 31.
        var series = new UsageSeries("wf/step", ResourceKind.Memory, [10, 10, 20, 20, 30], [5, 10, 20, 25, 31]) { SamplesAreRuns = true };
        var result = BacktestEngine.Run([series], [new ConstantRecommender(null)], Tiny, null, TestContext.Current.CancellationToken);
        var m = result.Recommenders[0].Default.Metrics[Segment.All];

        // Run 2 (u = 20, 25) sees only run 1 (last value 10); run 3 (u = 31) sees last value 25.
        Assert.Equal(3, m.Samples);
        Assert.Equal(3, m.Violations);
        Assert.Equal(100.0 * (10 + 15 + 6) / 76, m.ShortfallPercent, 12);
    }

    [Fact]
    public void Run_RunSeriesWithInputSizes_ScoresEachTaskAgainstItsOwnLimit()
    {
        // Run 2's tasks read 4 and 1 MiB (limits 4, 1) and use 3 and 2: one violation; run 3 reads 8 MiB, uses 8.
        const double MiB = 1024 * 1024;
        var series = new UsageSeries("wf/step", ResourceKind.Memory, [10, 20, 20, 30], [5, 3, 2, 8])
        {
            SamplesAreRuns = true,
            InputBytes = [MiB, 4 * MiB, 1 * MiB, 8 * MiB],
        };

        var m = BacktestEngine.Run([series], [new SizedRecommender()], Tiny, null, TestContext.Current.CancellationToken)
            .Recommenders[0].Default.Metrics[Segment.All];

        Assert.Equal(3, m.Samples);
        Assert.Equal(1, m.Violations);
        Assert.Equal(100.0 * 1 / 13, m.SlackPercent, 12);       // (4 − 3) / (4 + 1 + 8)
        Assert.Equal(100.0 * 1 / 13, m.ShortfallPercent, 12);   // (2 − 1) / (3 + 2 + 8)
    }

    [Fact]
    public void MatchedSlack_BetweenTwoSweepPoints_InterpolatesLinearly()
    {
        var points = new[] { Point(0.5, 60), Point(2, 40), Point(6, 20) };

        Assert.Equal(50.0, MatchedSlack.Interpolate(points, 1.25)!.Value, 12);
        Assert.Equal(30.0, MatchedSlack.Interpolate(points, 4)!.Value, 12);
        Assert.Null(MatchedSlack.Interpolate(points, 10));
    }

    [Fact]
    public void Validate_BadOptions_ReportsEveryError()
    {
        var errors = new BacktestOptions { StepSamples = 0, Parallelism = 0, HoldoutFraction = 1 }.Validate();

        Assert.Equal(3, errors.Count);
    }

    private static BacktestMetrics Point(double violation, double slack) =>
        new(100, slack, violation, 0, double.NaN, double.NaN, 0, 0, 0, 0);

    private static BacktestMetrics Metrics(UsageSeries series, IRecommender recommender) =>
        BacktestEngine.Run([series], [recommender], Tiny, null, TestContext.Current.CancellationToken)
            .Recommenders[0].Default.Metrics[Segment.All];

    private static UsageSeries Series(params double[] values) =>
        new("tiny", ResourceKind.Cpu, [.. values.Select((_, i) => 300L * i)], values);

    private sealed class NoIntervalRecommender : IRecommender
    {
        public string Name => "no-interval";

        public string KnobDescription => "none";

        public double DefaultKnob => 1;

        public IReadOnlyList<double> SweepKnobs { get; } = [1];

        public IRecommenderState CreateState(ResourceKind resource, double knob) => new State();

        private sealed class State : IRecommenderState
        {
            public void Observe(long timestampS, double value)
            {
            }

            public Recommendation Recommend(long nowS, long horizonS) => new(4, 4, double.NaN, double.NaN, double.NaN);
        }
    }
}
