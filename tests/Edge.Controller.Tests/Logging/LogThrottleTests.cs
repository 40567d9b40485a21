using Edge.Controller.Ingest;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Controller.Tests.Ingest;

public sealed class RejectionLogThrottleTests
{
    [Fact]
    public void ShouldLog_RepeatsWithinInterval_SuppressedAndCountedInNextWarning()
    {
        var time = new FakeTimeProvider();
        var throttle = new RejectionLogThrottle(time, TimeSpan.FromSeconds(10));

        Assert.True(throttle.ShouldLog("t", "malformed", out var first));
        Assert.False(throttle.ShouldLog("t", "malformed", out _));
        Assert.False(throttle.ShouldLog("t", "malformed", out _));
        Assert.True(throttle.ShouldLog("t", "oversized", out _));
        Assert.True(throttle.ShouldLog("other", "malformed", out _));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(throttle.ShouldLog("t", "malformed", out var later));

        Assert.Equal(0, first);
        Assert.Equal(2, later);
    }
}
