using System.Diagnostics.Metrics;
using System.Text.Json;
using Edge.Controller.Tests.Infrastructure;
using Edge.Controller.Workflows;

namespace Edge.Controller.Tests.Workflows;

/// <summary>
/// Volume ahead (issue 16 item 4): a scheduled workflow whose projected demand exceeds the fleet's free capacity is
/// reported before it arrives: <c>GET /api/volume</c> says by how much it falls short, and the meter counts the warning
/// and shows the shortfall, for an alert or an autoscaler to act on.
/// </summary>
public sealed class VolumeWarningTests
{
    [Fact]
    public async Task ProjectedDemandAboveFreeCapacity_IsReportedAsAShortfall_InTheApiAndTheMeter()
    {
        long warnings = 0;
        double shortfall = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == VolumeService.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "edge.volume.warnings")
            {
                Interlocked.Add(ref warnings, value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "edge.volume.shortfall.cores" && value > Volatile.Read(ref shortfall))
            {
                // The largest seen: other tests' controllers (no scheduled work) report 0 on the same meter name.
                Volatile.Write(ref shortfall, value);
            }
        });
        listener.Start();

        using var dir = new TempDirectory();
        await using var controller = await TestController.StartAsync(dir.Path, extra: new Dictionary<string, string?>
        {
            ["Controller:Workflows:VolumePeriod"] = "00:00:00.100",
            ["Controller:Workflows:Scheduled:0:WorkflowId"] = "nightly",
            ["Controller:Workflows:Scheduled:0:Every"] = "00:10:00",
        });
        var ct = TestContext.Current.CancellationToken;
        await using var node = await SimulatedNode.StartAsync(controller, TestController.NodeA, millicores: 2000, memoryMiB: 4096);

        // Six runs an hour, each of 3,000 core-seconds.
        controller.Get<VolumeForecaster>().RecordDemand("nightly", coreSeconds: 3000, gibSeconds: 600);

        JsonElement volume = default;
        await Poll.UntilAsync(
            async () =>
            {
                volume = JsonDocument.Parse(await controller.Http.GetStringAsync(new Uri("/api/volume", UriKind.Relative), ct)).RootElement.Clone();
                return !volume.GetProperty("fits").GetBoolean() && volume.GetProperty("freeCores").GetDouble() > 0;
            },
            "the projection says the scheduled runs will not fit",
            seconds: 30);

        // 6 runs × 3,000 core-s / 3,600 s = 5 cores against 2 free.
        Assert.Equal(3, volume.GetProperty("shortfallCores").GetDouble(), precision: 3);
        Assert.Equal(0, volume.GetProperty("shortfallMemoryGiB").GetDouble(), precision: 3);
        await Poll.UntilAsync(
            () =>
            {
                listener.RecordObservableInstruments();
                return Interlocked.Read(ref warnings) >= 1 && Volatile.Read(ref shortfall) > 2.9;
            },
            "the meter counts the warning and shows the shortfall",
            seconds: 30);
        Assert.Equal(1, Interlocked.Read(ref warnings)); // once per change to "will not fit", not every period
    }
}
