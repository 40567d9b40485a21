using Edge.Agent.Configuration;
using Edge.Agent.Footprint;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Agent.Tests.Footprint;

/// <summary>When the trim runs: the mode against the build, the first trim after <c>FirstAfter</c>, then every <c>Every</c> from start (on a fake clock).</summary>
public sealed class ResidentTrimServiceTests
{
    [Theory]
    [InlineData("auto", true, true)]
    [InlineData("auto", false, false)]
    [InlineData("on", false, true)]
    [InlineData("on", true, true)]
    [InlineData("off", true, false)]
    [InlineData("off", false, false)]
    public void Active_ModeAgainstBuild(string mode, bool aheadOfTime, bool active)
    {
        using var service = new ResidentTrimService(new ResidentTrimOptions { Mode = mode }, TimeProvider.System, NullLogger.Instance, Fail, aheadOfTime);

        Assert.Equal(active, service.Active);
    }

    [Fact]
    public async Task Schedule_FirstAfterThenEvery()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var calls = 0;
        var options = new ResidentTrimOptions { FirstAfter = TimeSpan.FromSeconds(30), Every = TimeSpan.FromMinutes(5) };
        using var service = new ResidentTrimService(options, time, NullLogger.Instance, () =>
        {
            Interlocked.Increment(ref calls);
            return new TrimOutcome(1, 4, 0, null);
        }, aheadOfTime: true);
        await service.StartAsync(TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, Volatile.Read(ref calls));
        time.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => service.Trims == 1, "the first trim");
        time.Advance(TimeSpan.FromSeconds(269));
        Assert.Equal(1, service.Trims);
        time.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => service.Trims == 2, "the second trim");
        time.Advance(TimeSpan.FromMinutes(5));
        await Poll.UntilAsync(() => service.Trims == 3, "the third trim");

        await service.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task Inactive_NeverTrims()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var service = new ResidentTrimService(new ResidentTrimOptions(), time, NullLogger.Instance, Fail, aheadOfTime: false);
        await service.StartAsync(TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromHours(2));

        await service.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, service.Trims);
    }

    [Fact]
    public void RunOnce_TrimFailsWithIo_LoggedAndNotCounted()
    {
        using var service = new ResidentTrimService(new ResidentTrimOptions(), TimeProvider.System, NullLogger.Instance,
            () => throw new IOException("smaps unreadable"), aheadOfTime: true);

        service.RunOnce();

        Assert.Equal(0, service.Trims);
    }

    [Theory]
    [InlineData("sometimes", "00:00:30", "00:05:00", "Agent:ResidentTrim:Mode 'sometimes' must be auto, on or off")]
    [InlineData("on", "-00:00:01", "00:05:00", "Agent:ResidentTrim:FirstAfter '-00:00:01' must be between 00:00:00 and 01:00:00")]
    [InlineData("on", "00:00:30", "00:00:01", "Agent:ResidentTrim:Every '00:00:01' must be between 00:00:10 and 1.00:00:00")]
    public void Validate_BadSetting_NamesKeyAndValue(string mode, string firstAfter, string every, string message)
    {
        var options = new AgentOptions
        {
            NodeId = "node-1",
            ResidentTrim = new ResidentTrimOptions { Mode = mode, FirstAfter = TimeSpan.Parse(firstAfter, System.Globalization.CultureInfo.InvariantCulture), Every = TimeSpan.Parse(every, System.Globalization.CultureInfo.InvariantCulture) },
        };

        var result = new AgentOptionsValidator().Validate(null, options);

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Failures!);
    }

    [Fact]
    public void Validate_Defaults_Pass()
    {
        Assert.True(new AgentOptionsValidator().Validate(null, new AgentOptions { NodeId = "node-1" }).Succeeded);
    }

    private static TrimOutcome Fail() => throw new InvalidOperationException("must not trim");
}
