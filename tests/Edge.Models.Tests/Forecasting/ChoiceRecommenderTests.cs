using Edge.Models.Forecasting;

namespace Edge.Models.Tests.Forecasting;

public sealed class ChoiceRecommenderTests
{
    [Fact]
    public void Recommend_OneCandidateCheaper_FollowsItOnceItsRealisedCostIsLower()
    {
        // Usage is always 1 core: a constant limit of 10 wastes 9 cores per sample, one of 1.5 wastes 0.5.
        var choice = new ChoiceRecommender("choice", [new FixedRecommender(10), new FixedRecommender(1.5)]);
        var state = choice.CreateState(ResourceKind.Cpu, 1);

        var first = state.Recommend(0, 60);
        for (var t = 1; t <= 10; t++)
        {
            state.Observe(t, 1);
        }

        var second = state.Recommend(11, 60);

        Assert.Equal(10, first.Limit); // no cost yet: the first candidate (the default)
        Assert.Equal(1.5, second.Limit);
    }

    [Fact]
    public void Recommend_CheapCandidateViolates_PaysLambdaPerSampleAbove()
    {
        // Usage 2: a limit of 1.9 is below every sample (λ = 5 per sample: 50 over 10 samples), one of 3 wastes 1 per
        // sample (10): the higher limit wins at λ = 5, the lower one at λ = 0.05 (0.5 < 10).
        foreach (var (lambda, expected) in new[] { (5.0, 3.0), (0.05, 1.9) })
        {
            var choice = new ChoiceRecommender("choice", [new FixedRecommender(3), new FixedRecommender(1.9)]);
            Assert.Equal(expected, LimitAfterTenSamplesOfTwo(choice, lambda));
        }
    }

    [Fact]
    public void CreateState_BadKnob_NamesIt()
    {
        var choice = new ChoiceRecommender("choice", [new FixedRecommender(1)]);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => choice.CreateState(ResourceKind.Memory, double.NaN));

        Assert.Contains("choice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScaledKnob_CreatesTheInnerStateAtFactorTimesTheKnob()
    {
        // The inner candidate sets its limit to the knob it was created with: a factor of 2 at λ = 3 gives 6.
        var scaled = new ScaledKnobRecommender(new KnobEcho(), 2, "echo-x2");

        var limit = scaled.CreateState(ResourceKind.Cpu, 3).Recommend(0, 60).Limit;

        Assert.Equal(6, limit);
        Assert.Equal(new KnobEcho().SweepKnobs, scaled.SweepKnobs);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScaledKnobRecommender(new KnobEcho(), 0, "bad"));
    }

    [Fact]
    public void Recommend_ScaledCandidates_ChoosesTheFactorWhoseLimitsCostLeastAtTheChoicesLambda()
    {
        // Usage 2 every sample. Candidates set limit = λ × factor: at λ = 1, factors 1, 1.5 and 4 give 1, 1.5 and 4.
        // Costs over 10 samples at λ = 1: limit 1 and 1.5 violate every sample (10 each, plus no idle); limit 4
        // wastes 2 per sample (20). At λ = 1 the first (ties keep the earlier) wins; at λ = 3 (limits 3, 4.5, 12 — none
        // violate) the smallest idle, limit 3, wins too; at λ = 0.5 (0.5, 0.75, 2) only the factor-4 limit covers
        // the usage and costs 0 against 5 for each of the others.
        foreach (var (lambda, expected) in new[] { (1.0, 1.0), (3.0, 3.0), (0.5, 2.0) })
        {
            var choice = new ChoiceRecommender("choice", [new KnobEcho(), new ScaledKnobRecommender(new KnobEcho(), 1.5, "x1.5"), new ScaledKnobRecommender(new KnobEcho(), 4, "x4")]);
            Assert.Equal(expected, LimitAfterTenSamplesOfTwo(choice, lambda));
        }
    }

    [Fact]
    public void Registry_Choice_RunsEdgeFirstThenItsVariantsAndTheStatisticalModels()
    {
        var registry = RecommenderRegistry.CreateDefault();
        var choice = Assert.IsType<ChoiceRecommender>(registry.Find("choice"));
        var stat = Assert.IsType<ChoiceRecommender>(registry.Find("choice-stat"));

        // edge first: its knob, default and sweep are the choice's, and ties keep it.
        Assert.Equal("edge", choice.Candidates[0].Name);
        Assert.Equal(registry.Find("edge")!.SweepKnobs, choice.SweepKnobs);
        Assert.Equal(10, choice.Candidates.Count);
        Assert.Equal(choice.Candidates.Count, choice.Candidates.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["ets", "sarima"], choice.Candidates.TakeLast(2).Select(c => c.Name));
        Assert.Equal(["edge", "ets", "sarima"], stat.Candidates.Select(c => c.Name));
    }

    [Fact]
    public void Recommend_NoiseAroundAFlatLevel_ChoosesABaseThatAveragesTheNoiseOut()
    {
        // CPU alternating 0.5 and 1.5 cores every 5 minutes (mean 1): a base over a whole hour or more (or yesterday's
        // hour) is exactly 1, so those candidates' scores are exactly 0.5 and 1.5 and their limit 1.5 covers every
        // sample for 0.5 idle core; edge's 15-minute base (3 samples: 0.83 or 1.17) and the last sample's (0.5 or 1.5)
        // move with the noise and cost more. After warm-up the choice follows one of the long bases (indices 2–5).
        var registry = RecommenderRegistry.CreateDefault();
        var choice = new ChoiceRecommender("c", [.. ((ChoiceRecommender)registry.Find("choice")!).Candidates.Take(8)]);
        var state = choice.CreateState(ResourceKind.Cpu, 2);
        var chosen = new HashSet<int>();
        var t = 0L;
        for (var hour = 0; hour < 24 * 10; hour++)
        {
            for (var k = 0; k < 12; k++, t += 300)
            {
                state.Observe(t, (k + hour) % 2 == 0 ? 0.5 : 1.5);
            }

            var r = state.Recommend(t, 3600);
            Assert.True(double.IsFinite(r.Limit) && r.Limit > 0);
            if (hour >= 24 * 8)
            {
                chosen.Add(((ChoiceRecommender.State)state).Chosen);
            }
        }

        Assert.NotEmpty(chosen);
        Assert.All(chosen, c => Assert.InRange(c, 2, 5));
    }

    [Fact]
    public void Recommend_MemoryDecay_ForgetsOldCostsFasterOnMemoryOnly()
    {
        // Limits 1500 and 10000 (MiB on memory). 100 decisions of one sample of 1000 make 1500 far cheaper (500 idle
        // against 9000); then the usage is 3000: 1500 pays λ = 20 GiB (20480 MiB) per sample, 10000 wastes 7000. The
        // choice moves to 10000 once its decayed cost is lower: after about 34 decisions at decay 0.99, 10 at 0.95.
        // On CPU (λ in cores: knob 20480 for the same costs) the memory decay does not apply.
        var plain = new ChoiceRecommender("c", [new FixedRecommender(1500), new FixedRecommender(10000)]);
        var fast = new ChoiceRecommender("c", plain.Candidates, memoryDecay: 0.95);

        Assert.InRange(SwitchAfter(fast, ResourceKind.Memory, 20), 5, 15);
        Assert.InRange(SwitchAfter(plain, ResourceKind.Memory, 20), 25, 45);
        Assert.Equal(SwitchAfter(plain, ResourceKind.Memory, 20), SwitchAfter(fast, ResourceKind.Cpu, 20 * 1024));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChoiceRecommender("c", plain.Candidates, memoryDecay: 0));
    }

    /// <summary>Decisions of usage 3000 (after 100 of usage 1000) until the choice sets the limit 10000.</summary>
    private static int SwitchAfter(ChoiceRecommender choice, ResourceKind resource, double knob)
    {
        var state = choice.CreateState(resource, knob);
        var t = 0L;
        for (var i = 0; i < 100; i++, t++)
        {
            state.Recommend(t, 1);
            state.Observe(t, 1000);
        }

        for (var i = 0; i < 1000; i++, t++)
        {
            if (state.Recommend(t, 1).Limit == 10000)
            {
                return i;
            }

            state.Observe(t, 3000);
        }

        return int.MaxValue;
    }

    /// <summary>The choice's limit at λ = <paramref name="lambda"/> after ten samples of usage 2 (one decision before them).</summary>
    private static double LimitAfterTenSamplesOfTwo(ChoiceRecommender choice, double lambda)
    {
        var state = choice.CreateState(ResourceKind.Cpu, lambda);
        state.Recommend(0, 60);
        for (var t = 1; t <= 10; t++)
        {
            state.Observe(t, 2);
        }

        return state.Recommend(11, 60).Limit;
    }

    [Fact]
    public void RecommendRun_RunSeriesWithInputSizes_SizesEachTaskByTheChosenCandidateAndChargesItsPerTaskLimits()
    {
        // Tasks peak at their input size (10 or 50). A fixed limit of 100 wastes 90 and 50 per task. The per-input
        // candidate's block limit (1,000) would be the most wasteful, but per task it sets 1.1 × the input: charged
        // what its per-task limits cost, it wins, and each task then gets 1.1 × its own input.
        var choice = new ChoiceRecommender("choice", [new FixedRecommender(100), new PerInput(1.1, blockLimit: 1000)]);
        var state = (ISizedRunState)choice.CreateState(ResourceKind.Memory, 1);

        Assert.Equal(100, state.Recommend(0, 1).Limit);
        Assert.Equal(100, state.RecommendRun(0, 50).Limit); // no cost yet: the first candidate
        foreach (var input in new[] { 10.0, 50.0, 10.0, 50.0 })
        {
            state.ObserveRun(0, input, input);
        }

        state.Recommend(1, 1);
        Assert.Equal(11, state.RecommendRun(1, 10).Limit, 9);
        Assert.Equal(55, state.RecommendRun(1, 50).Limit, 9);
    }

    [Fact]
    public void Recommend_CandidateLeftOutOnRunSeries_IsChosenOnRegularSeriesOnly()
    {
        // Usage 1: the second candidate (limit 1.5) is the cheaper one. Left out on run series, it is still chosen on
        // a regular series; on a run series the choice stays with the first.
        var choice = new ChoiceRecommender(
            "choice",
            [new FixedRecommender(10), new ScaledKnobRecommender(new KnobEcho(), 1.5, "cheap")],
            notOnRunSeries: new HashSet<string> { "cheap" });
        foreach (var runs in new[] { false, true })
        {
            var state = choice.CreateState(ResourceKind.Cpu, 1);
            state.Recommend(0, 60);
            for (var t = 1; t <= 10; t++)
            {
                if (runs)
                {
                    state.ObserveRun(t, 1);
                }
                else
                {
                    state.Observe(t, 1);
                }
            }

            Assert.Equal(runs ? 10 : 1.5, state.Recommend(11, 60).Limit);
        }
    }

    /// <summary>A limit equal to the knob it was created with.</summary>
    private sealed class KnobEcho : IRecommender
    {
        public string Name => "echo";

        public string KnobDescription => "λ";

        public double DefaultKnob => 1;

        public IReadOnlyList<double> SweepKnobs { get; } = [1, 2];

        public IRecommenderState CreateState(ResourceKind resource, double knob) => new FixedRecommender.State(knob);
    }

    /// <summary>Sizes each run at <c>factor</c> × its input; one decision's limit is <c>blockLimit</c>.</summary>
    private sealed class PerInput(double factor, double blockLimit) : IRecommender
    {
        public string Name => "per-input";

        public string KnobDescription => "λ";

        public double DefaultKnob => 1;

        public IReadOnlyList<double> SweepKnobs { get; } = [1];

        public IRecommenderState CreateState(ResourceKind resource, double knob) => new State(factor, blockLimit);

        private sealed class State(double factor, double blockLimit) : ISizedRunState
        {
            public void Observe(long timestampS, double value)
            {
            }

            public void ObserveRun(long timestampS, double peak, double inputBytes)
            {
            }

            public Recommendation Recommend(long nowS, long horizonS) => new(blockLimit, blockLimit, 0, blockLimit, 0.9);

            public Recommendation RecommendRun(long nowS, double inputBytes) =>
                new(factor * inputBytes, factor * inputBytes, 0, factor * inputBytes, 0.9);
        }
    }
}
