using Edge.Models.Backtest.Sizing;
using Edge.Models.Forecasting;

namespace Edge.Models.Tests.Forecasting;

public sealed class TaskSizerTests
{
    [Fact]
    public void Size_BeforeAnyTask_IsNullSoTheCallerFallsBackToItsPreset()
    {
        Assert.Null(new TaskSizer().Size(1000));
    }

    [Fact]
    public void Size_PeaksSetByInputSize_LearnsEachInputsPeakWithoutOversizingOrFailing()
    {
        // Two kinds of task: small inputs peak at 14 MiB, large ones at 115 MiB (montage's mProject has this shape).
        var sizer = new TaskSizer();
        var random = new Random(3);
        for (var i = 0; i < 60; i++)
        {
            var large = random.Next(2) == 0;
            var input = large ? 7e6 + random.Next(100_000) : 1.5e6 + random.Next(100_000);
            sizer.Size(input);
            sizer.Learn(large ? 115 : 14, large ? 300 : 16, input);
        }

        var small = sizer.Size(1.55e6);
        Assert.NotNull(small);
        Assert.InRange(small.Value, 14, 14 * 1.05);
        var big = sizer.Size(7.05e6);
        Assert.NotNull(big);
        Assert.InRange(big.Value, 115, 115 * 1.05);
    }

    [Fact]
    public void Retry_AfterAKill_IsAboveTheFailedSizeAndChosenAmongTheSizesSeen()
    {
        // Peaks 100 (most) or 400 (a few), independent of input: the first size is 100 (failing the few is cheaper
        // than holding 400 for all), and after a kill at 100 the cheapest retry is the 400 seen, not 1.5 × 100.
        var sizer = new TaskSizer();
        for (var i = 0; i < 80; i++)
        {
            sizer.Size(1000);
            sizer.Learn(i % 10 == 0 ? 400 : 100, 60, 1000);
        }

        var first = sizer.Size(1000);
        Assert.NotNull(first);
        Assert.InRange(first.Value, 100, 105);
        var retry = sizer.Retry(first.Value);
        Assert.InRange(retry, 400, 420);
    }

    [Fact]
    public void Size_WithAFailureBudget_SizesAtTheConformalBoundTheNextTaskExceedsWithAtMostThatProbability()
    {
        // Peaks 100 (74 tasks of 60 s), 120 (4 of 10 s) or 400 (2 of 10 s), independent of input. The cost alone sizes at
        // 100 and fails 7.5 %; a budget of 5 % sizes at least at the ⌈81 · 0.95⌉ = 77th of the 80 ratios (120), one of
        // 20 % keeps 100.
        Assert.InRange(LearnedWithBudget(1).Size(1000)!.Value, 100, 105);
        Assert.InRange(LearnedWithBudget(0.2).Size(1000)!.Value, 100, 105);
        var budget = LearnedWithBudget(0.05);
        Assert.Equal(0.05, budget.MaxFailureRate);
        Assert.InRange(budget.Size(1000)!.Value, 120, 126);
        var restored = TaskSizer.Restore([.. budget.Tasks], budget.Scores, 0, 0.05);
        Assert.Equal(budget.Size(1000), restored.Size(1000));
        Assert.Equal(budget.Retry(101), restored.Retry(101));
    }

    [Fact]
    public void Retry_WithAFailureBudget_IsAtTheBoundOfTheRatiosAboveTheKillSoItRarelyFailsTwice()
    {
        // Same tasks. After a kill at 101 the tasks seen above it peaked at 120 (4) or 400 (2): by cost alone the retry
        // is 120 (and a 400 task is killed twice); with a 5 % budget it is the conformal bound of those 6, their largest.
        var plain = LearnedWithBudget(1);
        plain.Size(1000);
        var budget = LearnedWithBudget(0.05);
        budget.Size(1000);
        Assert.InRange(plain.Retry(101), 120, 126);
        Assert.InRange(budget.Retry(101), 400, 420);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Constructor_FailureBudgetOutsideZeroToOne_IsRefusedNamingIt(double budget)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TaskSizer(0, budget));
        Assert.Equal("maxFailureRate", error.ParamName);
    }

    [Fact]
    public void Size_EveryLearnedInputTheSame_DoesNotScaleATinyInputDown()
    {
        // blastall in the live replay: every task learned read the same 5.1 GB; a 9.7 KB one must not be sized by a
        // share per byte (2 KiB) but as the tasks seen, whose peaks were 1000–1200 MiB.
        var sizer = new TaskSizer();
        var random = new Random(5);
        for (var i = 0; i < 40; i++)
        {
            sizer.Size(5.1e9);
            sizer.Learn(1000 + (200 * random.NextDouble()), 60 + random.Next(60), 5.1e9);
        }

        var size = sizer.Size(9.7e3);
        Assert.NotNull(size);
        Assert.True(size.Value >= 1000, $"sized {size.Value} MiB for peaks of 1000–1200 MiB");
    }

    [Fact]
    public void Size_InputFarBelowTheLearnedRange_IsNotExtrapolatedBelowTheSmallestLearnedPeak()
    {
        // Peaks exactly proportional to input over a narrow range (5.0–5.2 GB, ~1090–1130 MiB): the per-byte and
        // regression forecasts fit it perfectly and are chosen, but five orders of magnitude below the range they
        // are evidence of nothing; the size stays at the learned tasks' level.
        var sizer = new TaskSizer();
        var random = new Random(6);
        for (var i = 0; i < 40; i++)
        {
            var input = 5.0e9 + (2e8 * random.NextDouble());
            sizer.Size(input);
            sizer.Learn(input * 2.2e-7, 60 + random.Next(60), input);
        }

        var size = sizer.Size(9.7e3);
        Assert.NotNull(size);
        Assert.True(size.Value >= 5.0e9 * 2.2e-7, $"sized {size.Value} MiB, the smallest learned peak is {5.0e9 * 2.2e-7} MiB");
    }

    [Fact]
    public void Size_InputFarAboveTheLearnedRange_IsExtrapolatedNoFurtherThanTheLearnedInputsSpan()
    {
        // Proportional peaks over 1–2 MB inputs (100–200 MiB); a task reading 1 TB is not sized at 100 TiB (no node
        // has it: the step could never be placed) but as a 4 MB one (the range's top × its span of 2): about 400 MiB,
        // with a margin of at most 5 %; if it needs more, the retry rule grows it.
        var sizer = new TaskSizer();
        var random = new Random(8);
        for (var i = 0; i < 40; i++)
        {
            var input = 1e6 + (1e6 * random.NextDouble());
            sizer.Size(input);
            sizer.Learn(input * 1e-4, 30, input);
        }

        var size = sizer.Size(1e12);
        Assert.NotNull(size);
        Assert.InRange(size.Value, 190, 2 * 200 * 1.1);
        Assert.True(sizer.Retry(size.Value) > size.Value);
    }

    [Fact]
    public void Learn_IgnoresPeaksThatAreNotPositiveNumbers()
    {
        var sizer = new TaskSizer();
        sizer.Size(10);
        sizer.Learn(double.NaN, 5, 10);
        sizer.Learn(0, 5, 10);
        Assert.Equal(0, sizer.Count);
        Assert.Null(sizer.Size(10));
    }

    [Fact]
    public void Size_ShortTasksWithRareLargerPeaks_AvoidsTheKillOnlyWhenAnAttemptCostsARestart()
    {
        // 1-second tasks peaking at 100 MiB, every 20th at 150. By allocation × runtime alone a kill costs 100 MiB·s
        // once in 20 tasks and holding 150 costs 50 MiB·s on every task, so the papers' cost sizes at 100 and fails 5 %;
        // with a minute per killed attempt the kill costs 6,100 MiB·s and the sizer holds 150.
        TaskSizer Learned(double overheadS)
        {
            var sizer = new TaskSizer(overheadS);
            for (var i = 0; i < 100; i++)
            {
                sizer.Size(1000);
                sizer.Learn(i % 20 == 7 ? 150 : 100, 1, 1000);
            }

            return sizer;
        }

        var plain = Learned(0).Size(1000);
        var restart = Learned(60).Size(1000);
        Assert.NotNull(plain);
        Assert.NotNull(restart);
        Assert.InRange(plain.Value, 100, 105);
        Assert.InRange(restart.Value, 150, 160);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaskSizer(-1));
    }

    [Theory]
    [InlineData(1, 0.0, 0.0)]
    [InlineData(2, 0.8, 0.0)]
    [InlineData(3, 1.1, 0.0)]
    [InlineData(4, 0.0, 60.0)]
    [InlineData(5, 0.9, 30.0)]
    public void Cheapest_PrefixSumCost_PicksTheSameRatioAsTheDirectSum(int seed, double floor, double overheadS)
    {
        var random = new Random(seed);
        var candidates = Enumerable.Range(0, 60)
            .Select(_ => new TaskSizer.Observation(0, Math.Round(0.5 + random.NextDouble(), 2), random.Next(0, 4) == 0 ? 0 : 1 + (100 * random.NextDouble()), 1 + (10 * random.NextDouble())))
            .ToList();

        // The rule written out: Σ t·f·[(x − r) + 1(r > x)·(x + r_max − r)] + Σ_{r > x} τ·f·x over observed r above the
        // floor, the largest x within 3 % of the least.
        var max = candidates.Max(c => c.Ratio);
        double Cost(double x) => candidates.Where(o => o.Runtime > 0 && o.Ratio > floor)
            .Sum(o => (o.Runtime * o.Forecast * (o.Ratio <= x ? x - o.Ratio : x + max - o.Ratio)) + (o.Ratio > x ? overheadS * o.Forecast * x : 0));
        var least = candidates.Min(c => Cost(c.Ratio));
        var expected = candidates.Where(c => Cost(c.Ratio) <= least * 1.03).Max(c => c.Ratio);

        Assert.Equal(expected, TaskSizer.Cheapest(candidates, floor, overheadS));
    }

    [Fact]
    public void Cheapest_EveryRatioEqual_TakesThatRatioNotALargerSize()
    {
        // Constant peaks (makeflow bwa; no forecast: the ratios are the peaks): the cost of that ratio is 0 and must
        // not round below 0, plus the retry sizes 1.5× and 2× to try.
        var random = new Random(7);
        for (var trial = 0; trial < 200; trial++)
        {
            var candidates = Enumerable.Range(0, 40).Select(i => new TaskSizer.Observation(i, 3.7931, 0.001 + (100 * random.NextDouble()), 1)).ToList();
            candidates.Add(new TaskSizer.Observation(0, 1.5 * 3.7931, 0, 0));
            candidates.Add(new TaskSizer.Observation(0, 2 * 3.7931, 0, 0));

            Assert.Equal(3.7931, TaskSizer.Cheapest(candidates, 0));
        }
    }

    [Fact]
    public void BestLadder_MatchesExhaustiveSearchOverTwoRungLadders()
    {
        var tasks = new[] { T(10, 5), T(12, 5), T(30, 1), T(11, 4) };

        // Brute force over every ladder of rungs among the peaks ending at the largest.
        var peaks = tasks.Select(t => t.PeakMiB).Distinct().Order().ToArray();
        var best = double.PositiveInfinity;
        for (var mask = 0; mask < 1 << (peaks.Length - 1); mask++)
        {
            var ladder = peaks.Where((p, i) => i == peaks.Length - 1 || (mask & (1 << i)) != 0).ToArray();
            var cost = tasks.Sum(t => (ladder.TakeWhile(r => r < t.PeakMiB).Sum() + ladder.First(r => r >= t.PeakMiB) - t.PeakMiB) * t.RuntimeS);
            best = Math.Min(best, cost);
        }

        Assert.Equal(best, SizingBound.BestLadderMiBs(tasks), 9);
        Assert.True(best < tasks.Sum(t => (30 - t.PeakMiB) * t.RuntimeS));
    }

    [Fact]
    public void Restore_FromTasksAndScores_SizesAndRetriesExactlyAsTheOriginal()
    {
        var original = Taught(120, seed: 5);
        var restored = TaskSizer.Restore([.. original.Tasks], original.Scores);

        Assert.Equal(original.Count, restored.Count);
        foreach (var input in new[] { 1e5, 1.5e6, 3e6, 7e6, 2e7 })
        {
            var first = original.Size(input);
            Assert.NotNull(first);
            Assert.Equal(first, restored.Size(input));
            Assert.Equal(original.Retry(first.Value), restored.Retry(first.Value));
        }

        // Both go on learning alike: the restored one is the same sizer, not a snapshot of its sizes.
        var random = new Random(9);
        for (var i = 0; i < 30; i++)
        {
            var input = 1e6 + random.Next(10_000_000);
            var peak = 20 + (input / 1e5) + random.Next(40);
            Assert.Equal(original.Size(input), restored.Size(input));
            original.Learn(peak, 10 + i, input);
            restored.Learn(peak, 10 + i, input);
        }

        Assert.Equal(original.Scores.Costs, restored.Scores.Costs);
        Assert.Equal(original.Size(4e6), restored.Size(4e6));
    }

    [Fact]
    public void Restore_StateThatDoesNotDescribeASizer_IsRefusedNamingTheValue()
    {
        var original = Taught(20, seed: 1);
        var tasks = original.Tasks.ToList();
        var scores = original.Scores;

        var fewer = Assert.Throws<InvalidDataException>(() => TaskSizer.Restore(tasks[..^1], scores));
        Assert.Contains("scores are for 20 tasks but 19", fewer.Message, StringComparison.Ordinal);

        var badPeak = tasks.ToList();
        badPeak[3] = badPeak[3] with { PeakMiB = -4 };
        Assert.Contains("task 3 has peak -4", Assert.Throws<InvalidDataException>(() => TaskSizer.Restore(badPeak, scores)).Message, StringComparison.Ordinal);

        var badForecasts = tasks.ToList();
        badForecasts[2] = badForecasts[2] with { Forecasts = [1, 2] };
        Assert.Contains("task 2 has forecasts [1, 2]", Assert.Throws<InvalidDataException>(() => TaskSizer.Restore(badForecasts, scores)).Message, StringComparison.Ordinal);

        var otherVersion = scores with { Costs = [1, 2, 3] };
        Assert.Contains("3 costs", Assert.Throws<InvalidDataException>(() => TaskSizer.Restore(tasks, otherVersion)).Message, StringComparison.Ordinal);
    }

    /// <summary>A sizer taught <paramref name="n"/> tasks whose peak grows with input, with noise.</summary>
    internal static TaskSizer Taught(int n, int seed)
    {
        var sizer = new TaskSizer();
        var random = new Random(seed);
        for (var i = 0; i < n; i++)
        {
            var input = 1e6 + random.Next(10_000_000);
            sizer.Size(input);
            sizer.Learn(20 + (input / 1e5) + random.Next(40), 5 + random.Next(100), input);
        }

        return sizer;
    }

    private static SizingTask T(double peak, double runtime) => new("w", "t", peak, runtime, 0);

    /// <summary>
    /// A sizer with failure budget <paramref name="budget"/> taught 80 tasks of one input: peaks 100 (74 of 60 s), 120
    /// (4 of 10 s) or 400 (2 of 10 s).
    /// </summary>
    private static TaskSizer LearnedWithBudget(double budget)
    {
        var sizer = new TaskSizer(0, budget);
        for (var i = 0; i < 80; i++)
        {
            sizer.Size(1000);
            var peak = i % 40 == 20 ? 400 : i % 20 == 5 ? 120 : 100;
            sizer.Learn(peak, peak == 100 ? 60 : 10, 1000);
        }

        return sizer;
    }
}
