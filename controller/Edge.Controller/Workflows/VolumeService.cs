using System.Diagnostics.Metrics;
using Edge.Common.Contracts;
using Edge.Controller.Mqtt;
using Edge.Controller.Placement;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Workflows;

/// <summary>
/// The specification's projected workflow volume: every <see cref="WorkflowOptions.VolumePeriod"/> projects the
/// next <see cref="WorkflowOptions.VolumeHorizon"/>'s runs and their demand against the online fleet's free
/// capacity, keeps it for <c>GET /api/volume</c>, publishes it retained on <c>{prefix}/v1/fleet/volume</c>, and warns
/// ahead of time when the fleet will not fit it: a warning log (once per change to "will not fit"), the counter
/// <c>edge.volume.warnings</c> and the gauges <c>edge.volume.shortfall.cores</c> / <c>edge.volume.shortfall.memory_gib</c>
/// (meter <c>Edge.Controller.Workflows.Volume</c>), which an alert or an autoscaler can act on before the arrivals.
/// </summary>
internal sealed partial class VolumeService(
    VolumeForecaster forecaster,
    Allocator broker,
    ControllerMqttLink mqtt,
    EdgeTopics topics,
    IOptions<WorkflowOptions> options,
    TimeProvider time,
    ILogger<VolumeService> logger,
    IMeterFactory? meters = null) : BackgroundService
{
    public const string MeterName = "Edge.Controller.Workflows.Volume";

    private VolumeProjection? _latest;
    private bool _warned;
    private Counter<long>? _warnings;

    /// <summary>Creates the meter's instruments once (the gauges read <see cref="_latest"/>).</summary>
    private Counter<long> Warnings()
    {
        if (_warnings is null)
        {
            var meter = meters?.Create(MeterName) ?? new Meter(MeterName);
            meter.CreateObservableGauge("edge.volume.shortfall.cores", () => _latest?.ShortfallCores ?? 0, description: "Projected cores of the next horizon beyond the fleet's free cores");
            meter.CreateObservableGauge("edge.volume.shortfall.memory_gib", () => _latest?.ShortfallMemoryGiB ?? 0, description: "Projected GiB of the next horizon beyond the fleet's free memory");
            meter.CreateObservableGauge("edge.volume.expected.cores", () => _latest?.ExpectedCores ?? 0, description: "Cores the next horizon's projected runs hold on average");
            _warnings = meter.CreateCounter<long>("edge.volume.warnings", description: "Projections that turned to 'will not fit'");
        }

        return _warnings;
    }

    /// <summary>The latest projection, computed now if none yet.</summary>
    public VolumeProjection Latest => _latest ?? Project();

    /// <summary>The volume topic under the prefix.</summary>
    public string Topic => $"{topics.Root}/fleet/volume";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.VolumePeriod, time);
        do
        {
            try
            {
                await ProjectAndPublishAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Found by the fuzzer: a node reporting capacity 1e308 made the sum infinite, the JSON writer threw,
                // and the exception stopped the whole controller host. One bad period must not.
                LogProjectionFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ProjectAndPublishAsync(CancellationToken stoppingToken)
    {
        var projection = Project();
        _latest = projection;
        var warnings = Warnings();
        if (!projection.Fits && !_warned)
        {
            LogWillNotFit(projection.Summary);
            warnings.Add(1);
        }

        _warned = !projection.Fits;
        if (mqtt.IsConnected)
        {
            var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(projection, WorkflowJsonContext.Default.VolumeProjection);
            await mqtt.Connection.PublishAsync(Topic, payload, retain: true, stoppingToken);
        }
    }

    private VolumeProjection Project()
    {
        var online = broker.GetNodes().Where(n => n.Online).ToList();
        var freeCores = online.Sum(n => n.Free.CpuMillicores) / 1000;
        var freeGiB = online.Sum(n => n.Free.MemoryMiB) / 1024;
        return forecaster.Project(time.GetUtcNow(), options.Value.VolumeHorizon, freeCores, freeGiB);
    }

    [LoggerMessage(EventId = 6401, Level = LogLevel.Warning, Message = "Projected workflow volume will not fit the fleet: {Summary}")]
    private partial void LogWillNotFit(string summary);

    [LoggerMessage(EventId = 6402, Level = LogLevel.Error, Message = "Projecting or publishing the workflow volume failed; the next period tries again")]
    private partial void LogProjectionFailed(Exception exception);
}
