using Edge.Models.Backtest;
using Edge.Models.Forecasting;
using Edge.Models.Signals;

namespace Edge.Models.Tests.Signals;

public sealed class SignalTests
{
    private const long T0 = 1_700_006_400; // a Unix day boundary
    private const long Step = 300;

    /// <summary>Memory at 500 MiB with a 10 GiB burst of 2 h every <paramref name="everyDays"/> days, starting at 13:00.</summary>
    private static UsageSeries Bursty(int days, int everyDays = 2)
    {
        var n = days * 288;
        var t = new long[n];
        var u = new double[n];
        for (var i = 0; i < n; i++)
        {
            t[i] = T0 + (i * Step);
            var day = i / 288;
            var slot = i % 288;
            u[i] = day > 0 && day % everyDays == 0 && slot >= 156 && slot < 180 ? 10_240 + (slot % 3) : 500 + (i % 7);
        }

        return new UsageSeries("vm-bursty", ResourceKind.Memory, t, u);
    }

    [Fact]
    public void Detect_BurstsAboveTheDailyMedian_AreAnnouncedLeadSecondsAhead()
    {
        var signals = AnnouncedBursts.Detect(Bursty(9), 600);

        Assert.Equal(4, signals.Count); // days 2, 4, 6, 8
        foreach (var s in signals)
        {
            var start = s.StartS - T0;
            Assert.Equal(156 * Step, start % 86_400);
            Assert.Equal(s.StartS - 600, s.AnnouncedAtS);
            Assert.Equal(s.StartS + (23 * Step) + AnnouncedBursts.EndPaddingS, s.EndS);
            var ratio = s.Volume / (10_242 * AnnouncedBursts.VolumeUnit);
            Assert.InRange(ratio, 0.5, 2); // log-normal noise, σ = 0.15
            Assert.Empty(s.Validate());
        }

        Assert.Equal(signals, AnnouncedBursts.Detect(Bursty(9), 600)); // seeded: the same every run
    }

    [Fact]
    public void Detect_FlatSeries_AnnouncesNothing()
    {
        var flat = Bursty(5, everyDays: 100);
        Assert.Empty(AnnouncedBursts.Detect(flat, 600));
    }

    [Fact]
    public void Backtest_WithAnnouncedBursts_EdgeReservesLessAtTheSameViolationRate()
    {
        var series = AnnouncedBursts.Attach(Bursty(21), 600);
        var edge = new EdgeRecommender();
        var options = new BacktestOptions { HoldoutFraction = 0 };
        var result = BacktestEngine.Run([series], [edge, new SignalAwareRecommender(edge)], options, null, TestContext.Current.CancellationToken);
        Assert.Equal("edge+signals", result.Recommenders[1].Name);

        // Without the announcements a strict violation rate means holding the burst level through every idle hour;
        // with them only the announced hours hold it.
        var plain = result.Recommenders[0].SlackAtViolation(Segment.All, 1);
        var signalled = result.Recommenders[1].SlackAtViolation(Segment.All, 1);
        string Sweep(int r) => string.Join(" ", result.Recommenders[r].Sweep.Select(p => $"{p.Metrics[Segment.All].SlackPercent:F1}/{p.Metrics[Segment.All].ViolationPercent:F2}"));
        Assert.True(signalled is not null, Sweep(0) + " || " + Sweep(1));
        Assert.True(plain is null || signalled < plain * 0.75, $"slack at 1% violations: {signalled} with signals, {plain} without");
    }

    [Fact]
    public void Announce_InvalidSignal_IsIgnoredAndTheStateKeepsWorking()
    {
        var state = (ISignalState)new SignalAwareRecommender(new EdgeRecommender()).CreateState(ResourceKind.Memory, 2);
        for (var i = 0; i < 600; i++)
        {
            state.Observe(T0 + (i * Step), 500);
        }

        var before = state.Recommend(T0 + (600 * Step), 3600);
        state.Announce(new WorkSignal(T0, T0 + (601 * Step), T0 + (600 * Step), double.NaN)); // ends before it starts, NaN volume
        var after = state.Recommend(T0 + (600 * Step), 3600);

        Assert.Equal(before.Limit, after.Limit);
        Assert.Equal(2, new WorkSignal(T0, T0 + 10, T0 + 5, double.NaN).Validate().Count);
    }

    [Fact]
    public void Recommend_AnnouncedWindow_UsesTheLearnedUsagePerVolume()
    {
        var state = (ISignalState)new SignalAwareRecommender(new EdgeRecommender()).CreateState(ResourceKind.Memory, 2);

        // Three announced bursts of 4000 MiB per 100 units of volume teach a ratio of 40 MiB per unit.
        var t = TeachThreeWindows(state, 100, lead: 2, windowS: 3600, burst: _ => 4000, idleAfter: 100);

        var quiet = state.Recommend(t, 3600);
        state.Announce(new WorkSignal(t, t + 600, t + 4200, 250));
        var announced = state.Recommend(t, 3600);

        Assert.InRange(quiet.Limit, 500, 1000);           // the bursts stayed out of edge's history
        Assert.Equal(250 * 40.0, announced.Limit, 6);     // 250 units × 40 MiB per unit
        Assert.True(announced.Upper >= announced.Limit);
    }

    [Fact]
    public void Recommend_AnnouncedWindowUnderEdge_TheLevelFollowsTheViolationCost()
    {
        // Each announced window (volume 10) holds 12 samples at 1000 MiB and one at 3000 MiB. Priced by edge's λ, a small
        // λ keeps the level at 1000 (one sample in 13 above it costs less than 2000 MiB idle in the other 12) and a large
        // one at 3000; a fixed 95% quantile of the windows' peaks would set 3000 whatever λ.
        foreach (var (lambda, expected) in new[] { (0.01, 1000.0), (10_000.0, 3000.0) })
        {
            var state = (ISignalState)new SignalAwareRecommender(new EdgeRecommender()).CreateState(ResourceKind.Memory, lambda);
            var t = TeachThreeWindows(state, 10, lead: 1, windowS: 12 * Step, burst: i => i == 6 ? 3000 : 1000, idleAfter: 50);
            state.Announce(new WorkSignal(t, t + 600, t + 4200, 10));
            Assert.Equal(expected, state.Recommend(t, 3600).Limit, 6);
        }
    }

    /// <summary>
    /// 300 samples at 500 MiB, then three announced windows of <paramref name="volume"/>: each announced
    /// <paramref name="lead"/> samples ahead and lasting <paramref name="windowS"/>, 13 samples of
    /// <paramref name="burst"/>(i) from its start, then <paramref name="idleAfter"/> samples at 500. Returns the next time.
    /// </summary>
    private static long TeachThreeWindows(ISignalState state, double volume, int lead, long windowS, Func<int, double> burst, int idleAfter)
    {
        var t = T0;
        void Idle(int samples)
        {
            for (var i = 0; i < samples; i++, t += Step)
            {
                state.Observe(t, 500);
            }
        }

        Idle(300);
        for (var b = 0; b < 3; b++)
        {
            var start = t + (lead * Step);
            state.Announce(new WorkSignal(t, start, start + windowS, volume));
            Idle(lead);
            for (var i = 0; i < 13; i++, t += Step)
            {
                state.Observe(t, burst(i));
            }

            Idle(idleAfter);
        }

        return t;
    }
}
