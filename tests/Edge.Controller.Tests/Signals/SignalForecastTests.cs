using System.Net;
using System.Text;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Profiles;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Signals;

/// <summary>
/// Announced work in the live forecast: a step placed under an announced burst gets the profile
/// SignalAwareRecommender's rule gives (volume × the usage per unit learned from earlier announced windows), and the
/// normal one before and after; invalid, expired and far-off announcements change nothing.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SignalForecastTests : IDisposable
{
    private const string Component = "etl/transform";
    private const string Step = "transform";
    private const long HourMs = 3_600_000;
    private const long HalfHourMs = 1_800_000;

    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task StepPlacedUnderAnAnnouncedBurst_GetsTheLearnedUsagePerUnitTimesItsVolume_AndTheNormalProfileBeforeAndAfter()
    {
        await using var controller = await TestController.StartAsync(_dir.Path, extra: new Dictionary<string, string?>
        {
            ["Controller:Lstm:Enabled"] = "false",
            ["Controller:Forecasters:Period"] = "1.00:00:00",
        });
        var ct = TestContext.Current.CancellationToken;
        var source = controller.Get<IProfileSource>();
        var hints = new Dictionary<string, string> { [ProfileHints.Step] = Step };
        async Task<PredictionProfile> ProfileAsync() => (await source.GetProfileAsync(Component, null, hints, ct))!;

        // A day of runs every 10 minutes: about 200 MiB and 0.5 core, but 2000 MiB and 2 cores inside three earlier
        // windows that were announced with volume 10 (so one unit brought 200 MiB and 0.2 core).
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long[] pastStarts = [now - (20 * HourMs), now - (16 * HourMs), now - (12 * HourMs)];
        var ledger = controller.Get<FeedbackLedger>();
        var i = 0;
        for (var t = now - (24 * HourMs); t < now - 60_000; t += 600_000, i++)
        {
            var burst = pastStarts.Any(s => s <= t && t <= s + HalfHourMs);
            var wobble = 1 + (0.05 * Math.Sin(i * 1.3));
            Assert.True(ledger.Record(Run(i, t, burst ? 2 : 0.5 * wobble, burst ? 2000 : 200 * wobble)));
        }

        var normal = await ProfileAsync();
        Assert.Equal("edge", normal.Model);
        Assert.True(normal.Memory < 1000, $"normal memory {normal.Memory}");

        // Announcements whose windows are over (the earlier bursts), refused ones (invalid, or over for more than the
        // 7 days kept) and one beyond the 1 h horizon: the profile is exactly the normal one.
        foreach (var start in pastStarts)
        {
            await AnnounceAsync(controller, $$"""{"schemaVersion":1,"component":"{{Component}}","startMs":{{start}},"endMs":{{start + HalfHourMs}},"volume":10}""", ct);
        }

        await RefusedAsync(controller, $$"""{"schemaVersion":1,"label":"{{Step}}","startMs":{{now + 60_000}},"volume":0}""", "volume 0", ct);
        await RefusedAsync(controller, $$"""{"schemaVersion":1,"label":"{{Step}}","startMs":{{now - (9 * 24 * HourMs)}},"endMs":{{now - (8 * 24 * HourMs)}},"volume":20}""", "more than 7 days before now", ct);
        await AnnounceAsync(controller, $$"""{"schemaVersion":1,"label":"{{Step}}","startMs":{{now + (3 * HourMs)}},"volume":20}""", ct);
        AssertNormal(await ProfileAsync(), normal);

        // A burst of volume 20 announced for the step, starting in 5 minutes: 20 × 200 MiB and 20 × 0.2 core.
        await AnnounceAsync(controller, $$"""{"schemaVersion":1,"id":"burst","label":"{{Step}}","startMs":{{now + 300_000}},"endMs":{{now + 300_000 + HalfHourMs}},"volume":20}""", ct);
        var raised = await ProfileAsync();
        Assert.Equal("edge+signals", raised.Model);
        Assert.Equal(4000, raised.Memory, 6);
        Assert.Equal(4000, raised.Cpu, 6);
        Assert.Equal(controller.Get<Forecaster>().Model.ModelVersion, raised.ModelVersion);

        // The API's next prediction for the component says so too.
        var summary = JsonDocument.Parse(await controller.Http.GetStringAsync($"/api/components/{Component}", ct)).RootElement;
        Assert.Equal("edge+signals", summary.GetProperty("nextPrediction").GetProperty("model").GetString());
        Assert.Equal(4000, summary.GetProperty("nextPrediction").GetProperty("memory").GetDouble(), 6);

        // The integration moves the burst to end in a few seconds: raised until then, the normal profile after
        // (the cached prediction expires when the window ends).
        var endMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3_000;
        await AnnounceAsync(controller, $$"""{"schemaVersion":1,"id":"burst","label":"{{Step}}","startMs":{{now - 60_000}},"endMs":{{endMs}},"volume":20}""", ct);
        if (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() < endMs - 500)
        {
            Assert.Equal("edge+signals", (await ProfileAsync()).Model);
        }

        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        var after = await ProfileAsync();
        while (after.Model != "edge" && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(200, ct);
            after = await ProfileAsync();
        }

        AssertNormal(after, normal);
    }

    private static void AssertNormal(PredictionProfile profile, PredictionProfile normal)
    {
        Assert.Equal("edge", profile.Model);
        Assert.Equal(normal.Memory, profile.Memory);
        Assert.Equal(normal.Cpu, profile.Cpu);
    }

    private static async Task AnnounceAsync(TestController controller, string body, CancellationToken ct)
    {
        using var response = await controller.Http.PostAsync("/api/signals", new StringContent(body, Encoding.UTF8, "application/json"), ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ct));
    }

    private static async Task RefusedAsync(TestController controller, string body, string reason, CancellationToken ct)
    {
        using var response = await controller.Http.PostAsync("/api/signals", new StringContent(body, Encoding.UTF8, "application/json"), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Contains(reason, text, StringComparison.Ordinal);
    }

    private static RunRecord Run(int i, long startedAtMs, double cpu, double memory) => new()
    {
        ComponentId = Component,
        InstanceId = $"run-{i}",
        StepId = Step,
        NodeId = TestController.NodeA,
        StartedAtMs = startedAtMs,
        EndedAtMs = startedAtMs + 60_000,
        Outcome = "succeeded",
        DurationSeconds = 60,
        CpuSeconds = cpu * 60,
        PeakCpuCores = cpu,
        MeanCpuCores = cpu,
        PeakMemoryMiB = memory,
    };

    public void Dispose() => _dir.Dispose();
}
