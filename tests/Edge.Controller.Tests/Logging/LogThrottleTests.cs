using Edge.Controller.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Controller.Tests.Logging;

public sealed class LogThrottleTests
{
    [Fact]
    public void ShouldLog_RepeatsWithinInterval_SuppressedAndCountedInNextLine()
    {
        var time = new FakeTimeProvider();
        var throttle = new LogThrottle<(string Topic, string Reason)>(time, TimeSpan.FromSeconds(10));

        Assert.True(throttle.ShouldLog(("t", "malformed"), out var first));
        Assert.False(throttle.ShouldLog(("t", "malformed"), out _));
        Assert.False(throttle.ShouldLog(("t", "malformed"), out _));
        Assert.True(throttle.ShouldLog(("t", "oversized"), out _));
        Assert.True(throttle.ShouldLog(("other", "malformed"), out _));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(throttle.ShouldLog(("t", "malformed"), out var later));

        Assert.Equal(0, first);
        Assert.Equal(2, later);
    }

    [Fact]
    public void ShouldLog_BatchesOfOccurrences_AreCountedWhole()
    {
        var time = new FakeTimeProvider();
        var throttle = new LogThrottle<string>(time, TimeSpan.FromMinutes(1));

        Assert.True(throttle.ShouldLog("node-a/series-cap", 1000, out var first));
        Assert.False(throttle.ShouldLog("node-a/series-cap", 500, out _));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(throttle.ShouldLog("node-a/series-cap", 1, out var later));

        Assert.Equal(999, first);
        Assert.Equal(500, later);
    }
}
