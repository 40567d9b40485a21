using Edge.Models.Forecasting;

namespace Edge.Models.Tests.Forecasting;

public sealed class RegimeRecommenderTests
{
    private const double Idle = 100; // MiB

    private const double Batch = 20000;

    private const double Lambda = 100; // GiB per sample above the limit

    /// <summary>
    /// Ten days of 5-minute memory samples: 18 idle hours at 100 MiB, then a 6-hour batch era whose samples alternate
    /// 20000 and 100 MiB. Returns the limits set at every hourly decision, by hour of the day (0–17 idle, 18–23 batch).
    /// </summary>
    private static List<(int Hour, Recommendation R, bool Active)> Run(IRecommenderState state, int days = 10)
    {
        var decisions = new List<(int, Recommendation, bool)>();
        var t = 0L;
        for (var day = 0; day < days; day++)
        {
            for (var hour = 0; hour < 24; hour++)
            {
                var r = state.Recommend(t, 3600);
                decisions.Add((hour, r, state is RegimeRecommender.State s && s.Active));
                for (var k = 0; k < 12; k++, t += 300)
                {
                    state.Observe(t, hour >= 18 && k % 2 == 0 ? Batch : Idle);
                }
            }
        }

        return decisions;
    }

    [Fact]
    public void Recommend_IdleThenBatchEras_ReservesTheBatchLevelOnlyWhileABurstWasSeenLately()
    {
        // λ = 100 GiB per sample above. In a batch era half the samples are at 20000 MiB: each window after the first is
        // active (its 6-hour peak is 3–200 × the 15-minute base) and scored against that peak; with the six idle hours
        // after the era (active too) 23% of the active samples are at the peak, worth 19.4 GiB idle per sample at
        // λ = 100, so its limit covers the batch level. Six hours after the era the windows are quiet again, scored
        // against the idle base, where the era's first hour is 6 jumps in 156 samples (3.8%): not worth 19.4 GiB, so the
        // limit is the idle level.
        var state = new RegimeRecommender("regime-6h", 6 * 3600, 2).CreateState(ResourceKind.Memory, Lambda);

        var decisions = Run(state).Skip(24 * 5).ToList();

        var batch = decisions.Where(d => d.Hour is >= 19 and <= 23).ToList();
        var quiet = decisions.Where(d => d.Hour is >= 6 and <= 18).ToList();
        Assert.All(batch, d => Assert.True(d.Active && d.R.Limit >= Batch, $"hour {d.Hour}: limit {d.R.Limit}, active {d.Active}"));
        Assert.All(quiet, d => Assert.True(!d.Active && d.R.Limit < 2 * Idle, $"hour {d.Hour}: limit {d.R.Limit}, active {d.Active}"));

        // The classes' intervals: an active window's 90% interval spans both levels, a quiet one's is about the idle
        // level (the base is floored at 5% of the long-run mean, 130 MiB here, so quiet scores are 0.77, not 1).
        Assert.All(batch, d => Assert.True(d.R.Lower <= Idle && d.R.Upper >= Batch, $"active interval [{d.R.Lower}, {d.R.Upper}]"));
        Assert.All(quiet, d => Assert.True(d.R.Lower > 0 && d.R.Upper < 2 * Idle, $"quiet interval [{d.R.Lower}, {d.R.Upper}]"));
    }

    [Fact]
    public void Recommend_OneClassOnly_WouldReserveTheBatchLevelWhenIdle()
    {
        // Without the split, the scores pooled: every window is scored against its own base (the 15-minute mean,
        // 100 MiB idle) whatever came before, so a batch era's samples (1.5–3 × a base of 6733–13400 MiB, 12.5% of all)
        // raise every idle window's limit. The regime candidate's idle limits stay under 2 × idle (above), edge's mean forecast
        // alone (no peak channel) does not: the split, not the base, is what keeps idle windows low.
        var edge = new EdgeRecommender(EdgeOptions.Default with { MemoryTailWindowS = 0 }, "edge-no-peak").CreateState(ResourceKind.Memory, Lambda);

        var quiet = Run(edge).Skip(24 * 5).Where(d => d.Hour is >= 6 and <= 18).ToList();

        Assert.Contains(quiet, d => d.R.Limit >= 2 * Idle);
    }

    [Fact]
    public void Choice_OnCpu_DoesNotRunMemoryOnlyCandidates()
    {
        var regime = new RegimeRecommender("regime-6h", 6 * 3600, 2);
        var choice = new ChoiceRecommender("c", [new FixedRecommender(1), regime]);

        Assert.Equal(["fixed"], choice.ServedBy(ResourceKind.Cpu).Select(c => c.Name));
        Assert.Equal(["fixed", "regime-6h"], choice.ServedBy(ResourceKind.Memory).Select(c => c.Name));
    }

    [Fact]
    public void Registry_ChoiceRegime_IsChoiceOnCpuAndAddsThreeRegimesOnMemory()
    {
        var registry = RecommenderRegistry.CreateDefault();
        var choice = Assert.IsType<ChoiceRecommender>(registry.Find("choice"));
        var regime = Assert.IsType<ChoiceRecommender>(registry.Find("choice-regime"));

        Assert.Equal(choice.Candidates.Select(c => c.Name), regime.ServedBy(ResourceKind.Cpu).Select(c => c.Name));
        Assert.Equal(["regime-6h", "regime-24h", "regime-2h"], regime.ServedBy(ResourceKind.Memory).Skip(choice.Candidates.Count).Select(c => c.Name));
        Assert.Equal((0.99, 0.95), (regime.Decay, regime.MemoryDecay));
        Assert.Equal((0.99, 0.99), (choice.Decay, choice.MemoryDecay));
    }

    [Fact]
    public void Recommend_RunSeries_IsUnboundedSoAChoiceNeverPicksIt()
    {
        var state = new RegimeRecommender("regime-6h", 6 * 3600, 2).CreateState(ResourceKind.Memory, 2);
        state.ObserveRun(0, 500);
        state.ObserveRun(0, 600);

        Assert.Equal(double.PositiveInfinity, state.Recommend(10, 3600).Limit);
    }

    [Fact]
    public void Constructor_BadSettings_NameThem()
    {
        var window = Assert.Throws<ArgumentOutOfRangeException>(() => new RegimeRecommender("r", 0, 2));
        var ratio = Assert.Throws<ArgumentOutOfRangeException>(() => new RegimeRecommender("r", 3600, 1));

        Assert.Equal("activeWindowS", window.ParamName);
        Assert.Equal("activeRatio", ratio.ParamName);
    }
}
