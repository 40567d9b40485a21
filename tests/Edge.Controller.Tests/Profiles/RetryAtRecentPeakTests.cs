using System.Globalization;
using Edge.Controller.Placement;
using Edge.Controller.Profiles;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Profiles;

/// <summary>
/// A step retried after an OOM kill gets at least its component's largest recent memory peak, not only the retry
/// policy's floor (the killed limit × 1.5): the replay's fasterq-dump, forecast far below its runs after a small one,
/// otherwise climbed 89 → 153 → 233 MiB and ran out of attempts below its 310–388 MiB peaks.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RetryAtRecentPeakTests : IDisposable
{
    private const string Component = "sra/fasterq-dump";

    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RetryAfterAnOomKill_GetsAtLeastTheComponentsRecentPeak_WhenEnabled(bool enabled)
    {
        await using var controller = await TestController.StartAsync(_dir.Path, extra: new Dictionary<string, string?>
        {
            ["Controller:Lstm:Enabled"] = "false",
            ["Controller:Forecasters:Enabled"] = "false",
            ["Controller:ProfileFloors:RetryAtRecentPeak"] = enabled ? "true" : "false",
        });
        var ct = TestContext.Current.CancellationToken;
        var ledger = controller.Get<FeedbackLedger>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // Eighteen runs near 100 MiB, one at 400 MiB among them (within the latest 20).
        for (var i = 0; i < 18; i++)
        {
            Assert.True(ledger.Record(Run(i, now - ((20 - i) * 60_000L), i == 9 ? 400 : 100 + (i % 3))));
        }

        var source = controller.Get<IProfileSource>();
        var first = (await source.GetProfileAsync(Component, null, new Dictionary<string, string>(), ct))!;
        // The retry policy's floor after a kill at the forecast: × 1.5.
        var floor = first.Memory * 1.5;
        Assert.True(floor < 400, $"precondition: the retry policy's floor ({floor:0} MiB) is below the component's largest peak");
        var retryHints = new Dictionary<string, string> { [ProfileHints.MemoryFloorMiB] = floor.ToString("0.###", CultureInfo.InvariantCulture) };
        var retry = (await source.GetProfileAsync(Component, null, retryHints, ct))!;

        if (enabled)
        {
            Assert.True(retry.Memory >= 400, $"retry at {retry.Memory:0} MiB");
        }
        else
        {
            Assert.Equal(Math.Max(first.Memory, floor), retry.Memory, precision: 3);
        }
    }

    /// <summary>
    /// The replay's blast-chameleon-small blastall: runs of about a second (ended before a reading), most at 440–580 MiB,
    /// 1–3 of 40 near 900 MiB. When no large run is among the latest 20, a retry at the recent peak dies again; a
    /// component of short runs is retried at the largest peak of all its learned runs, a long-running one is not.
    /// </summary>
    [Theory]
    [InlineData(1.0, true)]
    [InlineData(30.0, false)]
    public async Task RetryOfAComponentWithShortRuns_GetsItsLargestPeakOfAll_NotOnlyTheRecentOnes(double durationS, bool expectLargest)
    {
        await using var controller = await TestController.StartAsync(_dir.Path, extra: new Dictionary<string, string?>
        {
            ["Controller:Lstm:Enabled"] = "false",
            ["Controller:Forecasters:Enabled"] = "false",
        });
        var ct = TestContext.Current.CancellationToken;
        var ledger = controller.Get<FeedbackLedger>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // Forty runs, the 5th at 900 MiB (not among the latest 20), the others 480–520 MiB.
        for (var i = 0; i < 40; i++)
        {
            Assert.True(ledger.Record(Run(i, now - ((41 - i) * 60_000L), i == 4 ? 900 : 480 + (i % 5 * 10), durationS)));
        }

        var source = controller.Get<IProfileSource>();
        var first = (await source.GetProfileAsync(Component, null, new Dictionary<string, string>(), ct))!;
        var floor = Math.Max(first.Memory, 520) + 64; // the retry policy's floor after a kill at the forecast
        Assert.True(floor < 900, $"precondition: the retry policy's floor ({floor:0} MiB) is below the largest peak");
        var retryHints = new Dictionary<string, string> { [ProfileHints.MemoryFloorMiB] = floor.ToString("0.###", CultureInfo.InvariantCulture) };
        var retry = (await source.GetProfileAsync(Component, null, retryHints, ct))!;

        if (expectLargest)
        {
            Assert.True(retry.Memory >= 900, $"retry at {retry.Memory:0} MiB");
        }
        else
        {
            Assert.True(retry.Memory < 900, $"retry at {retry.Memory:0} MiB: a long-running component keeps the recent peak");
            Assert.True(retry.Memory >= floor - 0.001, $"retry at {retry.Memory:0.###} MiB, floor {floor:0.###}");
        }
    }

    private static RunRecord Run(int i, long startedAtMs, double memory, double durationS = 30) => new()
    {
        ComponentId = Component,
        InstanceId = $"run-{i}",
        NodeId = TestController.NodeA,
        StartedAtMs = startedAtMs,
        EndedAtMs = startedAtMs + (long)(durationS * 1000),
        Outcome = "succeeded",
        DurationSeconds = durationS,
        CpuSeconds = 15,
        PeakCpuCores = 0.5,
        MeanCpuCores = 0.5,
        PeakMemoryMiB = memory,
    };

    public void Dispose() => _dir.Dispose();
}
