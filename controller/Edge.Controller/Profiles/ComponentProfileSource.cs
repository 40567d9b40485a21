using System.Collections.Concurrent;
using Edge.Controller.Mqtt;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Models.Profiling;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Profiles;

/// <summary>
/// The broker's <see cref="IProfileSource"/>: the forecaster's profile for the component (from its finished runs,
/// or similar components' runs, or the fallback). A step's own starting profile (hints <c>cpuMillicores</c>,
/// <c>memoryMiB</c>) replaces the fallback and is a floor otherwise; the memory floor after an OOM kill and the
/// configured <see cref="ProfileFloorOptions"/> always apply; a retry after an OOM kill also gets at least its
/// component's largest recent memory peak, or its largest of all when its runs are short (<see cref="ProfileFloorOptions.RetryAtRecentPeak"/>). A first
/// attempt's memory chosen by the component's task sizer (hint <c>sizerMemoryMiB</c>, set by the workflow service)
/// replaces the forecast's, under the same floors. Every component id is accepted: a never-seen component
/// is predicted from similar ones with a wider interval.
/// </summary>
internal sealed class ComponentProfileSource(Forecaster profiler, IOptions<ProfileFloorOptions> floors, ControllerMqttLink mqtt, EdgeTopics topics) : IProfileSource
{
    private readonly ConcurrentDictionary<string, (double Cpu, double Memory, double Network, string Model, int Version)> _published = new(StringComparer.Ordinal);

    public async ValueTask<PredictionProfile?> GetProfileAsync(
        string componentId,
        string? workflowRunId,
        IReadOnlyDictionary<string, string>? hints,
        CancellationToken cancellationToken)
    {
        var context = ContextOf(hints);
        var profile = profiler.Predict(componentId, context);
        var cpuHint = ProfileHints.Number(hints, ProfileHints.CpuMillicores);
        var memoryHint = ProfileHints.Number(hints, ProfileHints.MemoryMiB);
        var networkHint = ProfileHints.Number(hints, ProfileHints.NetworkMbps);
        if (string.Equals(ProfileHints.Text(hints, ProfileHints.Fixed), "true", StringComparison.OrdinalIgnoreCase) && (cpuHint is not null || memoryHint is not null || networkHint is not null))
        {
            // Static sizing asked for: the step's own limits, not the forecast (still above the floors).
            profile = profile with
            {
                Cpu = Math.Max(cpuHint ?? profile.Cpu, floors.Value.MinCpuMillicores),
                Memory = Math.Max(memoryHint ?? profile.Memory, floors.Value.MinMemoryMiB),
                NetworkBandwidth = NetworkFloor(networkHint ?? profile.NetworkBandwidth),
                Model = "fixed",
                ModelVersion = 0,
            };

            // Fixed means exactly this: the interval is the profile itself, so no fallback (the reduced profile
            // reserves the interval's upper bounds) reserves less than the step asked for.
            profile = profile with
            {
                ConfidenceInterval = profile.ConfidenceInterval with
                {
                    Cpu = new IntervalBounds(profile.Cpu, profile.Cpu),
                    Memory = new IntervalBounds(profile.Memory, profile.Memory),
                    NetworkBandwidth = new IntervalBounds(profile.NetworkBandwidth, profile.NetworkBandwidth),
                },
            };
            await PublishIfChangedAsync(profile, cancellationToken);
            return profile;
        }

        if (profile.Model == FallbackModel && (cpuHint is not null || memoryHint is not null || networkHint is not null))
        {
            // Nothing is known about the component: the step's own starting profile replaces the fallback.
            profile = profile with
            {
                Cpu = cpuHint ?? profile.Cpu,
                Memory = memoryHint ?? profile.Memory,
                NetworkBandwidth = networkHint ?? profile.NetworkBandwidth,
                Model = "hint",
                ModelVersion = 0,
            };
        }

        if (ProfileHints.Number(hints, ProfileHints.SizerMemoryMiB) is > 0 and var sized)
        {
            // The component's task sizer chose this first attempt's memory (set by the workflow service): it replaces
            // the forecast's; the floors below still apply. The interval keeps covering it, so the reduced profile
            // does not reserve less and the adjuster reads a ramp up to it as expected.
            var interval = profile.ConfidenceInterval;
            profile = profile with
            {
                Memory = sized,
                Model = $"{profile.Model}+sizer",
                ConfidenceInterval = interval with
                {
                    Memory = new IntervalBounds(Math.Min(interval.Memory.Lower, sized), Math.Max(interval.Memory.Upper, sized)),
                },
            };
        }

        var cpuFloor = Math.Max(cpuHint ?? 0, floors.Value.MinCpuMillicores);
        var retryFloor = ProfileHints.Number(hints, ProfileHints.MemoryFloorMiB);
        var memoryFloor = Math.Max(Math.Max(memoryHint ?? 0, floors.Value.MinMemoryMiB), retryFloor ?? 0);
        if (retryFloor is not null && floors.Value.RetryAtRecentPeak)
        {
            // A retry after an OOM kill: at least as high as the component's own recent runs went.
            memoryFloor = Math.Max(memoryFloor, profiler.RetryPeakMemoryMiB(componentId, floors.Value.RecentRunsForRetry, floors.Value.ShortRunSeconds));
        }
        var network = NetworkFloor(Math.Max(profile.NetworkBandwidth, networkHint ?? 0));
        if (cpuFloor > profile.Cpu || memoryFloor > profile.Memory || network > profile.NetworkBandwidth)
        {
            profile = profile with
            {
                Cpu = Math.Max(profile.Cpu, cpuFloor),
                Memory = Math.Max(profile.Memory, memoryFloor),
                NetworkBandwidth = network,
                Model = $"{profile.Model}+floor",
            };

            // The interval's upper bounds are what the reduced profile reserves: never below what the step asked for.
            var interval = profile.ConfidenceInterval;
            profile = profile with
            {
                ConfidenceInterval = interval with
                {
                    Cpu = interval.Cpu with { Upper = Math.Max(interval.Cpu.Upper, cpuFloor) },
                    Memory = interval.Memory with { Upper = Math.Max(interval.Memory.Upper, memoryFloor) },
                    NetworkBandwidth = interval.NetworkBandwidth with { Upper = Math.Max(interval.NetworkBandwidth.Upper, networkHint ?? 0) },
                },
            };
        }

        await PublishIfChangedAsync(profile, cancellationToken);
        return profile;
    }

    /// <summary>A network forecast above 0 is at least <see cref="ProfileFloorOptions.MinNetworkMbps"/>; 0 (no traffic) stays 0.</summary>
    private double NetworkFloor(double mbps) => mbps > 0 ? Math.Max(mbps, floors.Value.MinNetworkMbps) : 0;

    /// <summary>Retains the component's latest forecast on <c>{prefix}/v1/components/{component}/prediction</c> when it changed.</summary>
    private async Task PublishIfChangedAsync(PredictionProfile profile, CancellationToken cancellationToken)
    {
        var key = (profile.Cpu, profile.Memory, profile.NetworkBandwidth, profile.Model, profile.ModelVersion);
        if (!mqtt.IsConnected || (_published.TryGetValue(profile.ComponentId, out var last) && last == key))
        {
            return;
        }

        var payload = PayloadCodec.Encode(profile, EdgeJsonContext.Default.PredictionProfile);
        if (await mqtt.Connection.PublishAsync(topics.ComponentPrediction(profile.ComponentId), payload, retain: true, cancellationToken))
        {
            _published[profile.ComponentId] = key;
        }
    }

    /// <summary>The model name of <see cref="ComponentProfiler"/>'s profile for a component with no similar history.</summary>
    public const string FallbackModel = "fallback";

    public static ComponentContext ContextOf(IReadOnlyDictionary<string, string>? hints) => new(
        ProfileHints.Text(hints, ProfileHints.Workflow),
        ProfileHints.Text(hints, ProfileHints.Step),
        ProfileHints.Text(hints, ProfileHints.Command),
        ProfileHints.Number(hints, ProfileHints.InputSizeBytes),
        ProfileHints.Text(hints, ProfileHints.NodeClass));
}
