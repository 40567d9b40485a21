using Edge.Common.Contracts;
using Edge.Controller.Adjustment;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Controller.Tests.Adjustment;

public sealed class DriftTrackerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AdjusterOptions _options = new() { UpAfter = TimeSpan.FromSeconds(3), DownAfter = TimeSpan.FromSeconds(20), Cooldown = TimeSpan.FromSeconds(10) };

    [Fact]
    public void Observe_HotForLongEnough_ScalesUp()
    {
        var tracker = new DriftTracker(new InstanceLimits(250, 256), _options, _time);

        var proposals = Feed(tracker, seconds: 4, new InstanceObservation(245, 100, Throttled: true));

        Assert.All(proposals[..^1], p => Assert.Equal(AdjustmentAction.None, p.Action));
        var up = proposals[^1];
        Assert.Equal(AdjustmentAction.ScaleUp, up.Action);
        Assert.Equal(375, up.Limits.CpuMillicores, precision: 6);
        Assert.Equal(256, up.Limits.MemoryMiB);
        Assert.Contains("throttled", up.Reason, StringComparison.OrdinalIgnoreCase);
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
    public void Observe_ColdForLongEnough_ScalesDownToPeakWithHeadroom()
    {
        var tracker = new DriftTracker(new InstanceLimits(2000, 1024), _options, _time);

        var proposals = Feed(tracker, seconds: 21, new InstanceObservation(100, 200, Throttled: false));

        var down = Assert.Single(proposals, p => p.Action != AdjustmentAction.None);
        Assert.Equal(AdjustmentAction.ScaleDown, down.Action);
        Assert.Equal(130, down.Limits.CpuMillicores, precision: 6);
        Assert.Equal(260, down.Limits.MemoryMiB, precision: 6);
    }

    [Fact]
    public void Observe_InsideCooldown_DoesNotFlap()
    {
        var tracker = new DriftTracker(new InstanceLimits(250, 256), _options, _time);
        Feed(tracker, seconds: 4, new InstanceObservation(250, 100, Throttled: true));

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
