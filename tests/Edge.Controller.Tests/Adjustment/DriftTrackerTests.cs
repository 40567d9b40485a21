using Edge.Common.Contracts;
using Edge.Controller.Adjustment;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Controller.Tests.Adjustment;

public sealed class DriftTrackerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AdjusterOptions _options = new() { UpAfter = TimeSpan.FromSeconds(3), DownAfter = TimeSpan.FromSeconds(20), Cooldown = TimeSpan.FromSeconds(10) };
    private static readonly AdjusterOptions TailOn = new() { UpAfter = TimeSpan.FromSeconds(3), DownAfter = TimeSpan.FromSeconds(20), Cooldown = TimeSpan.FromSeconds(10), MemoryTailRisk = true };

    [Fact]
    public void Observe_ThrottledAtItsLimitByAnUnknownAmount_ScalesUpAtTheFirstReading()
    {
        // Only the throttled periods are known: using 98 % of its limit while throttled, it is pinned there. A short
        // step would end before a second reading, so the first one acts; the need is censored at the limit.
        var tracker = new DriftTracker(new InstanceLimits(250, 256), _options, _time);

        var proposals = Feed(tracker, seconds: 4, new InstanceObservation(245, 100, Throttled: true));

        var up = proposals[0];
        Assert.Equal(AdjustmentAction.ScaleUp, up.Action);
        Assert.Equal(375, up.Limits.CpuMillicores, precision: 6);
        Assert.Equal(256, up.Limits.MemoryMiB);
        Assert.Contains("throttled", up.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.All(proposals[1..], p => Assert.Equal(AdjustmentAction.None, p.Action));
    }

    [Fact]
    public void Observe_ThrottledWellBelowItsLimitByAnUnknownAmount_IsNotAStepAtItsLimit()
    {
        // Throttled now and then while using 60 % of its limit: the quota is not what holds it back.
        var tracker = new DriftTracker(new InstanceLimits(1000, 256), _options, _time);

        var proposals = Feed(tracker, seconds: 30, new InstanceObservation(600, 100, Throttled: true));

        Assert.All(proposals, p => Assert.Equal(AdjustmentAction.None, p.Action));
    }

    [Fact]
    public void Observe_FirstRatedReadingAfterTheFirstTick_ScalesToTheNeedAtOnce()
    {
        // The demo's merge step: placed at 300 m, wants 900 m. The first tick has no CPU rate, only its timestamp
        // (Seen); the first rated reading, 1 s later, reports 0.6 s throttled: need 300 + 600 m, plus the 50 % margin.
        var tracker = new DriftTracker(new InstanceLimits(300, 64), _options, _time);
        var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        tracker.Seen(at);
        _time.Advance(TimeSpan.FromSeconds(1));

        var up = tracker.Observe(new InstanceObservation(300, 16, Throttled: true, ThrottledSeconds: 0.6, AtMs: at + 1000));

        Assert.Equal(AdjustmentAction.ScaleUp, up.Action);
        Assert.Equal(1350, up.Limits.CpuMillicores, precision: 6);
        Assert.Contains("wanted 600 m more", up.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_CpuAboveItsLimitWithoutAQuota_ScalesToTheUsageAtOnce()
    {
        // The agent's process-limit fallback pins CPUs and enforces no quota: a step placed at 300 m uses 900 m and is
        // never throttled. Its usage is its need.
        var tracker = new DriftTracker(new InstanceLimits(300, 64), _options, _time, new AdjustmentMargins(0.2, 0.2));

        var proposals = Feed(tracker, seconds: 15, new InstanceObservation(900, 16, Throttled: false));

        var up = Assert.Single(proposals, p => p.Action != AdjustmentAction.None);
        Assert.Same(proposals[0], up);
        Assert.Equal(1080, up.Limits.CpuMillicores, precision: 6);
        Assert.Contains("above its limit", up.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_MemoryBriefSpike_WaitsForUpAfter()
    {
        var tracker = new DriftTracker(new InstanceLimits(1000, 100), _options, _time);

        var brief = Feed(tracker, seconds: 2, new InstanceObservation(500, 95, Throttled: false));
        brief.AddRange(Feed(tracker, seconds: 5, new InstanceObservation(500, 60, Throttled: false)));

        Assert.All(brief, p => Assert.Equal(AdjustmentAction.None, p.Action));
    }

    [Fact]
    public void Observe_BriefSpike_DoesNothing()
    {
        var tracker = new DriftTracker(new InstanceLimits(1000, 256), _options, _time);

        var proposals = Feed(tracker, seconds: 2, new InstanceObservation(990, 100, Throttled: false));
        proposals.AddRange(Feed(tracker, seconds: 10, new InstanceObservation(600, 100, Throttled: false)));

        Assert.All(proposals, p => Assert.Equal(AdjustmentAction.None, p.Action));
    }

    [Fact]
    public void Observe_ColdForLongEnough_ScalesDownToPeakWithTheMargin()
    {
        var tracker = new DriftTracker(new InstanceLimits(2000, 1024), _options, _time);

        var proposals = Feed(tracker, seconds: 21, new InstanceObservation(100, 200, Throttled: false));

        var down = Assert.Single(proposals, p => p.Action != AdjustmentAction.None);
        Assert.Equal(AdjustmentAction.ScaleDown, down.Action);
        // No interval given: the widest margin (MaxMargin 0.5); memory at least MemoryDownMarginMiB above the peak.
        Assert.Equal(150, down.Limits.CpuMillicores, precision: 6);
        Assert.Equal(300, down.Limits.MemoryMiB, precision: 6);
    }

    [Fact]
    public void Observe_InsideCooldown_DoesNotFlap()
    {
        var tracker = new DriftTracker(new InstanceLimits(250, 256), _options, _time);
        Feed(tracker, seconds: 1, new InstanceObservation(250, 100, Throttled: true));

        // Still throttled right after the change: the cooldown holds the next step back.
        var during = Feed(tracker, seconds: 9, new InstanceObservation(370, 100, Throttled: true));
        var after = Feed(tracker, seconds: 5, new InstanceObservation(370, 100, Throttled: true));

        Assert.All(during, p => Assert.Equal(AdjustmentAction.None, p.Action));
        Assert.Contains(after, p => p.Action == AdjustmentAction.ScaleUp);
    }

    [Fact]
    public void Observe_MemoryNearLimit_RaisesMemoryOnly()
    {
        var tracker = new DriftTracker(new InstanceLimits(1000, 100), _options, _time);

        var up = Feed(tracker, seconds: 4, new InstanceObservation(500, 95, Throttled: false))[^1];

        Assert.Equal(AdjustmentAction.ScaleUp, up.Action);
        Assert.Equal(1000, up.Limits.CpuMillicores);
        Assert.Equal(150, up.Limits.MemoryMiB, precision: 6);
    }

    [Fact]
    public void Observe_ThrottledByAKnownAmount_ScalesToTheNeedPlusTheIntervalMarginOnceAndStays()
    {
        // Placed at 500 m; the step wants 1000 m: the quota lets it use 500 m and throttles it 0.5 s per second.
        var tracker = new DriftTracker(new InstanceLimits(500, 256), _options, _time, new AdjustmentMargins(Cpu: 0.2, Memory: 0.2));

        var proposals = Drive(tracker, seconds: 60, _ => (DemandMillicores: 1000, MemoryMiB: 100));

        var up = Assert.Single(proposals, p => p.Action != AdjustmentAction.None);
        Assert.Equal(AdjustmentAction.ScaleUp, up.Action);
        Assert.Equal(1200, up.Limits.CpuMillicores, precision: 6);
        Assert.Equal(256, up.Limits.MemoryMiB);
        Assert.Contains("wanted 500 m more", up.Reason, StringComparison.Ordinal);
        Assert.Equal(1200, tracker.Limits.CpuMillicores, precision: 6);
    }

    [Fact]
    public void Observe_CpuBoundAtItsLimitWithoutThrottling_IsNotEscalated()
    {
        // Uses all of its core (100 % of the limit, which once was "hot" at 90 %) but the quota never holds it back,
        // or only slightly (2 % of the limit, below ThrottleShare): it has what it needs.
        var tracker = new DriftTracker(new InstanceLimits(1000, 256), _options, _time, new AdjustmentMargins(0.2, 0.2));
        var slightly = new DriftTracker(new InstanceLimits(1000, 256), _options, _time, new AdjustmentMargins(0.2, 0.2));

        var proposals = Drive(tracker, seconds: 120, _ => (DemandMillicores: 1000, MemoryMiB: 100));
        var slight = Drive(slightly, seconds: 120, _ => (DemandMillicores: 1020, MemoryMiB: 100));

        Assert.All(proposals, p => Assert.Equal(AdjustmentAction.None, p.Action));
        Assert.All(slight, p => Assert.Equal(AdjustmentAction.None, p.Action));
    }

    [Fact]
    public void Observe_LoadThatComesAndGoes_DoesNotOscillate()
    {
        // A 40 s cycle: a 10 s burst wanting 900 m, then 30 s at 100 m; memory small throughout. Placed at 2000 m.
        static (double, double) Load(int t) => (t % 40 < 10 ? 900 : 100, 20);
        var options = _options with { DownStabilization = TimeSpan.FromSeconds(60) };
        var tracker = new DriftTracker(new InstanceLimits(2000, 1024), options, _time, new AdjustmentMargins(0.2, 0.2));

        var proposals = Drive(tracker, seconds: 400, Load);

        // Scaled down once, to what the burst needs with its margin (900 m × 1.2), and left there: the next bursts
        // fit, and the quiet phases do not shrink it below the burst seen within the stabilisation window.
        var changes = proposals.Select((p, t) => (p, t)).Where(x => x.p.Action != AdjustmentAction.None).ToList();
        var (down, at) = Assert.Single(changes);
        Assert.Equal(AdjustmentAction.ScaleDown, down.Action);
        Assert.True(at < 40, $"changed at {at} s");
        Assert.Equal(1080, down.Limits.CpuMillicores, precision: 6);
        Assert.Equal(64, down.Limits.MemoryMiB, precision: 6);

        // The same sequence without the window (scale down to the latest need, as before) shrinks between bursts and
        // grows at each: two changes per cycle.
        var forgetful = new DriftTracker(new InstanceLimits(2000, 1024), options with { DownStabilization = TimeSpan.Zero }, _time, new AdjustmentMargins(0.2, 0.2));
        var flapping = Drive(forgetful, seconds: 400, Load).Count(p => p.Action != AdjustmentAction.None);
        Assert.True(flapping >= 10, $"{flapping} changes without the window");
    }

    [Fact]
    public void Observe_MemoryHotRightAfterACpuChange_IsRescuedWithinItsOwnCooldown()
    {
        // CPU throttled at the first reading: scaled at once. Memory passes 90% of its limit a second later (slowly:
        // not about to reach it); the CPU change's cooldown (10 s) must not hold back the memory rescue, which comes
        // after UpAfter (3 s).
        var tracker = new DriftTracker(new InstanceLimits(250, 100), _options, _time);
        var cpu = Feed(tracker, seconds: 1, new InstanceObservation(245, 89, Throttled: true)).Single();
        var memory = Feed(tracker, seconds: 5, new InstanceObservation(360, 91, Throttled: false));

        Assert.Equal(AdjustmentAction.ScaleUp, cpu.Action);
        Assert.Equal(100, cpu.Limits.MemoryMiB);
        var rescue = Assert.Single(memory, p => p.Action != AdjustmentAction.None);
        Assert.Equal(AdjustmentAction.ScaleUp, rescue.Action);
        Assert.Equal(150, rescue.Limits.MemoryMiB, precision: 6);
        Assert.Equal(cpu.Limits.CpuMillicores, rescue.Limits.CpuMillicores, precision: 6);
        Assert.True(memory.IndexOf(rescue) < 4, $"rescued {memory.IndexOf(rescue) + 1} s after the CPU change");

        // With one shared cooldown (as before) the same memory would have waited the whole 10 s: that each resource
        // has its own is what the test is about. The CPU, still throttled, waits for its own cooldown.
        var later = Feed(tracker, seconds: 4, new InstanceObservation(370, 100, Throttled: true));
        Assert.All(later, p => Assert.Equal(AdjustmentAction.None, p.Action));
        var cpuAgain = Feed(tracker, seconds: 6, new InstanceObservation(370, 100, Throttled: true));
        Assert.Contains(cpuAgain, p => p.Action == AdjustmentAction.ScaleUp && p.Limits.CpuMillicores > rescue.Limits.CpuMillicores);
    }

    [Fact]
    public void Observe_NetworkHeldAtItsCap_RaisesTheCapAfterUpAfterOnly()
    {
        // Capped at 10 Mbps, sending 9.8 (98 %): the token bucket holds it. A brief burst does nothing; held for
        // UpAfter (3 s) the cap is raised; CPU and memory stay.
        var tracker = new DriftTracker(new InstanceLimits(500, 256, NetworkMbps: 10), _options, _time, new AdjustmentMargins(0.2, 0.2, 0.3));
        var brief = Feed(tracker, seconds: 2, new InstanceObservation(300, 150, Throttled: false, NetworkTxMbps: 9.8, NetworkRxMbps: 0.1));
        brief.AddRange(Feed(tracker, seconds: 3, new InstanceObservation(300, 150, Throttled: false, NetworkTxMbps: 6, NetworkRxMbps: 0.1)));
        Assert.All(brief, p => Assert.Equal(AdjustmentAction.None, p.Action));

        var held = Feed(tracker, seconds: 5, new InstanceObservation(300, 150, Throttled: false, NetworkTxMbps: 0.1, NetworkRxMbps: 9.8));

        var up = Assert.Single(held, p => p.Action != AdjustmentAction.None);
        Assert.Equal(AdjustmentAction.ScaleUp, up.Action);
        // Its demand is censored at the cap: the step is the widest margin (0.5), whatever the interval's (0.3).
        Assert.Equal(15, up.Limits.NetworkMbps!.Value, precision: 6);
        Assert.Equal((500.0, 256.0), (up.Limits.CpuMillicores, up.Limits.MemoryMiB));
        Assert.Contains("network held at its cap", up.Reason, StringComparison.Ordinal);

        // Its rate follows the new cap (13.5 of 15 Mbps, 90 %): below the hot share, so it is left there.
        var after = Feed(tracker, seconds: 30, new InstanceObservation(300, 150, Throttled: false, NetworkTxMbps: 13.5));
        Assert.All(after, p => Assert.Equal(AdjustmentAction.None, p.Action));
    }

    [Fact]
    public void Observe_NetworkFarBelowItsCap_ScalesTheCapDownOnItsOwn()
    {
        // Capped at 100 Mbps, sending 4 while its CPU is busy (not cold): the network shrinks on its own after
        // DownAfter to the highest need of the window + margin; CPU and memory are left alone.
        var tracker = new DriftTracker(new InstanceLimits(1000, 256, NetworkMbps: 100), _options, _time, new AdjustmentMargins(0.2, 0.2, 0.25));

        var proposals = Feed(tracker, seconds: 25, new InstanceObservation(800, 200, Throttled: false, NetworkTxMbps: 4));

        var down = Assert.Single(proposals, p => p.Action != AdjustmentAction.None);
        Assert.Equal(AdjustmentAction.ScaleDown, down.Action);
        Assert.Equal(5, down.Limits.NetworkMbps!.Value, precision: 6);
        Assert.Equal((1000.0, 256.0), (down.Limits.CpuMillicores, down.Limits.MemoryMiB));
    }

    [Fact]
    public void Observe_NoNetworkCap_NeverProposesOne()
    {
        var tracker = new DriftTracker(new InstanceLimits(1000, 256), _options, _time);

        var proposals = Feed(tracker, seconds: 30, new InstanceObservation(800, 200, Throttled: false, NetworkTxMbps: 500, NetworkRxMbps: 500));

        Assert.All(proposals, p => Assert.Equal(AdjustmentAction.None, p.Action));
        Assert.Null(tracker.Limits.NetworkMbps);
    }

    [Fact]
    public void Observe_MemoryRampingTowardsItsLimit_IsRescuedBeforeItGetsThere()
    {
        // The replay's fasterq-dump: placed at 178 MiB, its memory ramps to 310 MiB over 5 s, read every 0.5 s. It
        // passes 90% of the limit only 0.3 s before reaching it, so waiting UpAfter (3 s) above 90% means an OOM kill.
        var tracker = new DriftTracker(new InstanceLimits(1000, 178), _options, _time, new AdjustmentMargins(0.2, 0.1));
        var killedAt = (double?)null;
        var rescues = new List<AdjustmentProposal>();
        for (var t = 0.5; t <= 8; t += 0.5)
        {
            _time.Advance(TimeSpan.FromSeconds(0.5));
            var memory = 310 * Math.Min(1, t / 5);
            if (memory >= tracker.Limits.MemoryMiB)
            {
                killedAt = t;
                break;
            }

            var proposal = tracker.Observe(new InstanceObservation(900, memory, Throttled: false, AtMs: (long)(t * 1000)));
            if (proposal.Action == AdjustmentAction.ScaleUp)
            {
                rescues.Add(proposal);
            }
        }

        Assert.Null(killedAt);
        Assert.NotEmpty(rescues);
        Assert.Contains("memory rising", rescues[0].Reason, StringComparison.Ordinal);
        Assert.True(tracker.Limits.MemoryMiB >= 310, $"ends at {tracker.Limits.MemoryMiB:0} MiB");
        Assert.True(tracker.Limits.MemoryMiB < 500, $"ends at {tracker.Limits.MemoryMiB:0} MiB");
    }

    [Fact]
    public void Observe_MemoryRampingToBelowItsLimit_IsNotTakenForAnImminentKill()
    {
        // Ramps to 60% of its limit over 5 s, then stays: at its rise it is never within two readings (1 s) of the
        // limit. (The rule's price: a ramp that levels off at 90% looks, in its last second, like one that will reach
        // the limit, and is scaled up.)
        var tracker = new DriftTracker(new InstanceLimits(1000, 1000), _options, _time);
        var proposals = new List<AdjustmentProposal>();
        for (var t = 0.5; t <= 20; t += 0.5)
        {
            _time.Advance(TimeSpan.FromSeconds(0.5));
            proposals.Add(tracker.Observe(new InstanceObservation(900, 600 * Math.Min(1, t / 5), Throttled: false, AtMs: (long)(t * 1000))));
        }

        Assert.All(proposals, p => Assert.Equal(AdjustmentAction.None, p.Action));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Observe_MemoryLevellingOffWithinItsForecast_IsLeftAlone(bool withinForecast)
    {
        // The replay's blastall: placed at 1,189 MiB with a forecast interval whose upper bound is 1,167 MiB; its
        // memory ramps to 1,150 MiB over 3 s and stays there (97% of its limit). Where the forecast said it would go
        // is not a shortage; without the rule (the option off) the ramp's last second looks like an imminent kill.
        var options = _options with { MemoryWithinForecast = withinForecast };
        var tracker = new DriftTracker(new InstanceLimits(1000, 1189), options, _time, new AdjustmentMargins(0.1, 0.1), forecastMemoryUpperMiB: 1167);
        var proposals = new List<AdjustmentProposal>();
        for (var t = 0.5; t <= 15; t += 0.5)
        {
            _time.Advance(TimeSpan.FromSeconds(0.5));
            proposals.Add(tracker.Observe(new InstanceObservation(900, 1150 * Math.Min(1, t / 3), Throttled: false, AtMs: (long)(t * 1000))));
        }

        var scaleUps = proposals.Count(p => p.Action == AdjustmentAction.ScaleUp);
        Assert.True(withinForecast ? scaleUps == 0 : scaleUps >= 1, $"{scaleUps} scale-up(s)");
        Assert.True(withinForecast ? tracker.Limits.MemoryMiB == 1189 : tracker.Limits.MemoryMiB > 1189, $"ends at {tracker.Limits.MemoryMiB:0} MiB");
    }

    [Fact]
    public void Observe_MemoryRisingPastItsForecast_IsStillRescued()
    {
        // Same placement, but this run ramps to 1,400 MiB: once past the forecast's upper bound the rise toward the
        // limit is a shortage again and is rescued before it reaches the limit.
        var tracker = new DriftTracker(new InstanceLimits(1000, 1189), _options, _time, new AdjustmentMargins(0.1, 0.1), forecastMemoryUpperMiB: 1000);
        var killedAt = RampUntilKilled(tracker, peakMiB: 1400, rampS: 5, untilS: 10);

        Assert.Null(killedAt);
        Assert.True(tracker.Limits.MemoryMiB >= 1400, $"ends at {tracker.Limits.MemoryMiB:0} MiB");
    }

    [Fact]
    public void Observe_LimitBelowTheForecastsUpperBound_KeepsTheRescue()
    {
        // Placed below what its forecast says it may reach (packed, or a cheap limit under a wide interval): the
        // forecast does not vouch for the limit, so a ramp toward it is rescued as before.
        var tracker = new DriftTracker(new InstanceLimits(1000, 178), _options, _time, new AdjustmentMargins(0.2, 0.1), forecastMemoryUpperMiB: 400);
        var killedAt = RampUntilKilled(tracker, peakMiB: 310, rampS: 5, untilS: 8);

        Assert.Null(killedAt);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Observe_RampLevellingJustBelow95PercentOfALimitItsRunsNeverPassed_IsNotRaised(bool tailRisk)
    {
        // The replay's blastall when its interval's upper bound has widened above its limit (so MemoryWithinForecast
        // does not hold): placed at 1,189 MiB, its 90 learned runs peaked at 1,081–1,170 MiB in 40 s runs. This one
        // ramps to 1,118 MiB (94%) over 10 s and stays. Without the rule the ramp's end and the hot rule raise it.
        var options = _options with { MemoryTailRisk = tailRisk, MemoryTrim = false };
        var history = Enumerable.Range(0, 90).Select(i => Run(1081 + i, 40)).ToList();
        var tracker = new DriftTracker(new InstanceLimits(1000, 1189), options, _time, new AdjustmentMargins(0.1, 0.1), forecastMemoryUpperMiB: 1340,
            memoryTail: () => MemoryTail.From(history, null, options));
        var proposals = Ramp(tracker, peakMiB: 1118, rampS: 10, untilS: 40);

        var scaleUps = proposals.Count(p => p.Action == AdjustmentAction.ScaleUp);
        Assert.True(tailRisk ? scaleUps == 0 : scaleUps >= 1, $"{scaleUps} scale-up(s); {tracker.LastMemoryTailDecision}");
        Assert.True(tailRisk ? tracker.Limits.MemoryMiB == 1189 : tracker.Limits.MemoryMiB > 1189, $"ends at {tracker.Limits.MemoryMiB:0} MiB");
        Assert.Equal(tailRisk, tracker.LastMemoryTailDecision is not null);
    }

    [Fact]
    public void Observe_RampLevellingAt95PercentOrMore_IsRaisedAsTheLedgerTakesItAsCensored()
    {
        // Same history, but this run levels at 1,140 MiB (95.9%): the feedback ledger would learn it at its limit
        // × 1.2 (and the agent flags pressure), so the rule steps aside and the hot rule raises it.
        var history = Enumerable.Range(0, 90).Select(i => Run(1081 + i, 40)).ToList();
        var tracker = new DriftTracker(new InstanceLimits(1000, 1189), TailOn, _time, new AdjustmentMargins(0.1, 0.1), forecastMemoryUpperMiB: 1340,
            memoryTail: () => MemoryTail.From(history, null, TailOn));
        var proposals = Ramp(tracker, peakMiB: 1140, rampS: 10, untilS: 40);

        Assert.Contains(proposals, p => p.Action == AdjustmentAction.ScaleUp);
        Assert.True(tracker.Limits.MemoryMiB > 1189, $"ends at {tracker.Limits.MemoryMiB:0} MiB");
    }

    [Fact]
    public void Observe_ComponentWhoseRunsPassTheLimit_IsStillRescued()
    {
        // The replay's fasterq-dump: its runs differ 18× (21–388 MiB) and half of its learned runs passed 178 MiB.
        // Placed at 178 MiB, this one ramps to 310 MiB over 5 s: the rule must let the rescue through.
        var history = Enumerable.Range(0, 40).Select(i => Run(21 + (i * 9.4), 60)).ToList();
        var tracker = new DriftTracker(new InstanceLimits(1000, 178), TailOn, _time, new AdjustmentMargins(0.2, 0.1),
            memoryTail: () => MemoryTail.From(history, null, TailOn));
        var killedAt = RampUntilKilled(tracker, peakMiB: 310, rampS: 5, untilS: 8);

        Assert.Null(killedAt);
        Assert.True(tracker.Limits.MemoryMiB >= 310, $"ends at {tracker.Limits.MemoryMiB:0} MiB");
        Assert.NotNull(tracker.LastMemoryTailDecision);
    }

    [Fact]
    public void Observe_TooFewLearnedRuns_LeavesTheRulesAsTheyWere()
    {
        // Nine runs (MemoryTailMinRuns is 10): no evidence, so a ramp to 95% is raised as without the rule.
        var history = Enumerable.Range(0, 9).Select(i => Run(900 + i, 40)).ToList();
        var tracker = new DriftTracker(new InstanceLimits(1000, 1000), TailOn, _time, new AdjustmentMargins(0.1, 0.1),
            memoryTail: () => MemoryTail.From(history, null, TailOn));
        var proposals = new List<AdjustmentProposal>();
        for (var t = 0.5; t <= 20; t += 0.5)
        {
            _time.Advance(TimeSpan.FromSeconds(0.5));
            proposals.Add(tracker.Observe(new InstanceObservation(900, 950 * Math.Min(1, t / 5), Throttled: false, AtMs: (long)(t * 1000))));
        }

        Assert.Contains(proposals, p => p.Action == AdjustmentAction.ScaleUp);
        Assert.Null(tracker.LastMemoryTailDecision);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Observe_MemoryLevelFarBelowItsLimit_IsTrimmedToTheLevelWhileItRuns(bool trim)
    {
        // The replay's blastall placed (or raised) well above its peak: 1,600 MiB for a ramp to 1,118 MiB over 10 s
        // that then holds for 30 s. Its 90 learned runs peaked at 1,081–1,170 MiB. Once level for MemoryTrimAfter (2 s)
        // the limit goes to the level + MinMargin (10%), and staying at the level is not taken for a shortage after.
        var tracker = TrimTracker(trim, lowestPeakMiB: 1081);

        var proposals = Ramp(tracker, peakMiB: 1118, rampS: 10, untilS: 40);

        var downs = proposals.Where(p => p.Action == AdjustmentAction.ScaleDown).ToList();
        Assert.DoesNotContain(proposals, p => p.Action == AdjustmentAction.ScaleUp);
        if (trim)
        {
            var down = Assert.Single(downs);
            Assert.Equal(1118 * 1.1, down.Limits.MemoryMiB, precision: 6);
            Assert.Contains("trimmed", down.Reason, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(downs);
            Assert.Equal(1600, tracker.Limits.MemoryMiB);
        }
    }

    [Fact]
    public void Observe_MemoryLevelBelowWhatItsRunsReach_IsNotTrimmed()
    {
        // Level at 300 MiB for 20 s, but its component's runs go on to 1,081–1,170 MiB: a run that reached 300 MiB
        // passes a trimmed 332 MiB almost surely, so the trim is not worth an OOM kill.
        var tracker = TrimTracker(trim: true, lowestPeakMiB: 1081);

        var proposals = Ramp(tracker, peakMiB: 300, rampS: 2, untilS: 20);

        Assert.All(proposals, p => Assert.Equal(AdjustmentAction.None, p.Action));
        Assert.Contains("P(peak > 332 MiB", tracker.LastMemoryTailDecision, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_LevelOnlyByTheControllersClock_IsNotTrimmed()
    {
        // Ten readings of a level 1,118 MiB taken 0.1 s apart by the agent but reaching the controller 1 s apart (a
        // backlog): by their own timestamps memory has held level for 0.9 s, short of MemoryTrimAfter (2 s).
        var tracker = TrimTracker(trim: true, lowestPeakMiB: 1081);
        var proposals = new List<AdjustmentProposal>();
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            proposals.Add(tracker.Observe(new InstanceObservation(900, 1118, Throttled: false, AtMs: 10_000 + (i * 100))));
        }

        Assert.All(proposals, p => Assert.Equal(AdjustmentAction.None, p.Action));
    }

    [Fact]
    public void Observe_LevelWhileThrottled_IsNotTrimmed()
    {
        // Memory level for 20 s while the CPU quota holds the step back: its ramp may go on once the quota is
        // raised, so the level is not taken for its need.
        var tracker = TrimTracker(trim: true, lowestPeakMiB: 1081);
        var proposals = new List<AdjustmentProposal>();
        for (var t = 0.5; t <= 20; t += 0.5)
        {
            _time.Advance(TimeSpan.FromSeconds(0.5));
            proposals.Add(tracker.Observe(new InstanceObservation(tracker.Limits.CpuMillicores, 1118, Throttled: true, AtMs: (long)(t * 1000))));
        }

        Assert.DoesNotContain(proposals, p => p.Action == AdjustmentAction.ScaleDown);
        Assert.Equal(1600, tracker.Limits.MemoryMiB);
    }

    [Fact]
    public void Observe_TrimWithoutLearnedRuns_DoesNothing()
    {
        // No component history to weigh the trim against: the limit stays.
        var options = _options with { MemoryTrim = true };
        var tracker = new DriftTracker(new InstanceLimits(1000, 1600), options, _time, new AdjustmentMargins(0.1, 0.3));

        var proposals = Ramp(tracker, peakMiB: 1118, rampS: 10, untilS: 40);

        Assert.All(proposals, p => Assert.Equal(AdjustmentAction.None, p.Action));
    }

    [Fact]
    public void Observe_TrimmedLevelThatRisesAgain_IsRescued()
    {
        // Trimmed at a 1,000 MiB level, the step then ramps on to 1,500 MiB over 5 s: past the level, the rules rescue
        // it as before, within the trim's cooldown.
        var tracker = TrimTracker(trim: true, lowestPeakMiB: 1000);
        Ramp(tracker, peakMiB: 1000, rampS: 2, untilS: 6);
        Assert.Equal(1100, tracker.Limits.MemoryMiB, precision: 6);

        double? killedAt = null;
        for (var t = 6.5; t <= 16; t += 0.5)
        {
            _time.Advance(TimeSpan.FromSeconds(0.5));
            var memory = 1000 + (500 * Math.Min(1, (t - 6) / 5));
            if (memory >= tracker.Limits.MemoryMiB)
            {
                killedAt = t;
                break;
            }

            tracker.Observe(new InstanceObservation(900, memory, Throttled: false, AtMs: (long)(t * 1000)));
        }

        Assert.Null(killedAt);
        Assert.True(tracker.Limits.MemoryMiB >= 1500, $"ends at {tracker.Limits.MemoryMiB:0} MiB");
    }

    [Fact]
    public void Margins_FromTheForecastInterval()
    {
        var options = new AdjusterOptions { MinMargin = 0.1, MaxMargin = 0.5 };
        static PredictionProfile Profile(double level, double cpuLower, double cpuUpper, double memLower, double memUpper) => new()
        {
            ComponentId = "c",
            Cpu = cpuUpper,
            Memory = memUpper,
            NetworkBandwidth = 0,
            ConfidenceInterval = new ConfidenceInterval(level, new IntervalBounds(cpuLower, cpuUpper), new IntervalBounds(memLower, memUpper), new IntervalBounds(0, 0)),
        };

        // (upper - lower) / (upper + lower): 250/1250 = 0.2 for CPU; memory's runs agree closely, so the floor.
        Assert.Equal(new AdjustmentMargins(0.2, 0.1), AdjustmentMargins.From(Profile(0.9, 500, 750, 100, 102), options));
        // The fallback claims nothing (level 0): the widest margin.
        Assert.Equal(new AdjustmentMargins(0.5, 0.5), AdjustmentMargins.From(Profile(0, 0, 4000, 0, 4096), options));
        // A very wide interval is capped; bounds that are not above one another say nothing.
        Assert.Equal(new AdjustmentMargins(0.5, 0.5), AdjustmentMargins.From(Profile(0.9, 0, 900, 300, 200), options));
    }

    /// <summary>
    /// One observation a second of a step wanting <c>DemandMillicores</c> under the tracker's current limits, as the
    /// agent reports it: usage up to the limit, the rest as throttled seconds, with the batch's timestamp.
    /// </summary>
    private List<AdjustmentProposal> Drive(DriftTracker tracker, int seconds, Func<int, (double DemandMillicores, double MemoryMiB)> load)
    {
        var proposals = new List<AdjustmentProposal>();
        for (var t = 0; t < seconds; t++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            var (demand, memory) = load(t);
            var used = Math.Min(demand, tracker.Limits.CpuMillicores);
            var throttled = (demand - used) / 1000;
            proposals.Add(tracker.Observe(new InstanceObservation(used, memory, throttled > 0, ThrottledSeconds: throttled, AtMs: _time.GetUtcNow().ToUnixTimeMilliseconds())));
        }

        return proposals;
    }

    /// <summary>
    /// A step placed at 1,600 MiB (1,000 m) whose component has 90 learned 40 s runs peaking at
    /// <paramref name="lowestPeakMiB"/> to 89 MiB above it, with <see cref="AdjusterOptions.MemoryTrim"/> as given.
    /// </summary>
    private DriftTracker TrimTracker(bool trim, double lowestPeakMiB)
    {
        var options = _options with { MemoryTrim = trim };
        var history = Enumerable.Range(0, 90).Select(i => Run(lowestPeakMiB + i, 40)).ToList();
        return new DriftTracker(new InstanceLimits(1000, 1600), options, _time, new AdjustmentMargins(0.1, 0.3),
            memoryTail: () => MemoryTail.From(history, null, options));
    }

    private static Edge.Models.Profiling.ComponentRun Run(double peakMiB, double durationS) =>
        new("c", new Edge.Models.Profiling.ComponentContext(), 0, 1, peakMiB, 0, durationS);

    /// <summary>
    /// Memory ramping linearly to <paramref name="peakMiB"/> over <paramref name="rampS"/> s, read every 0.5 s until
    /// <paramref name="untilS"/>: the second at which it would pass the tracker's limit (an OOM kill), or null.
    /// </summary>
    private double? RampUntilKilled(DriftTracker tracker, double peakMiB, double rampS, double untilS)
    {
        for (var t = 0.5; t <= untilS; t += 0.5)
        {
            _time.Advance(TimeSpan.FromSeconds(0.5));
            var memory = peakMiB * Math.Min(1, t / rampS);
            if (memory >= tracker.Limits.MemoryMiB)
            {
                return t;
            }

            tracker.Observe(new InstanceObservation(900, memory, Throttled: false, AtMs: (long)(t * 1000)));
        }

        return null;
    }

    /// <summary>
    /// Memory ramping linearly to <paramref name="peakMiB"/> over <paramref name="rampS"/> s, read every 0.5 s until
    /// <paramref name="untilS"/>, flagged as pressure from 95% of the limit as the agent does: every proposal.
    /// </summary>
    private List<AdjustmentProposal> Ramp(DriftTracker tracker, double peakMiB, double rampS, double untilS)
    {
        var proposals = new List<AdjustmentProposal>();
        for (var t = 0.5; t <= untilS; t += 0.5)
        {
            _time.Advance(TimeSpan.FromSeconds(0.5));
            var memory = peakMiB * Math.Min(1, t / rampS);
            proposals.Add(tracker.Observe(new InstanceObservation(900, memory, Throttled: false, MemoryPressure: memory >= 0.95 * tracker.Limits.MemoryMiB, AtMs: (long)(t * 1000))));
        }

        return proposals;
    }

    private List<AdjustmentProposal> Feed(DriftTracker tracker, int seconds, InstanceObservation observation)
    {
        var proposals = new List<AdjustmentProposal>();
        for (var i = 0; i < seconds; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            proposals.Add(tracker.Observe(observation));
        }

        return proposals;
    }
}
