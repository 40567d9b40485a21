using Edge.Common.Contracts;
using Edge.Controller.Broker;
using Edge.Models.Profiling;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Profiles;

/// <summary>
/// The broker's <see cref="IProfileSource"/>: the forecaster's profile for the component (from its finished runs,
/// or similar components' runs, or the fallback). A step's own starting profile (hints <c>cpuMillicores</c>,
/// <c>memoryMiB</c>) replaces the fallback and is a floor otherwise; the memory floor after an OOM kill and the
/// configured <see cref="ProfileFloorOptions"/> always apply. Every component id is accepted: a never-seen component
/// is predicted from similar ones with a wider interval.
/// </summary>
internal sealed class ComponentProfileSource(ComponentProfiler profiler, IOptions<ProfileFloorOptions> floors) : IProfileSource
{
    public ValueTask<PredictionProfile?> GetProfileAsync(
        string componentId,
        string? workflowRunId,
        IReadOnlyDictionary<string, string>? hints,
        CancellationToken cancellationToken)
    {
        var context = ContextOf(hints);
        var profile = profiler.Predict(componentId, context);
        var cpuHint = ProfileHints.Number(hints, ProfileHints.CpuMillicores);
        var memoryHint = ProfileHints.Number(hints, ProfileHints.MemoryMiB);
        if (profile.Model == FallbackModel && (cpuHint is not null || memoryHint is not null))
        {
            // Nothing is known about the component: the step's own starting profile replaces the fallback.
            profile = profile with
            {
                Cpu = cpuHint ?? profile.Cpu,
                Memory = memoryHint ?? profile.Memory,
                Model = "hint",
            };
        }

        var cpuFloor = Math.Max(cpuHint ?? 0, floors.Value.MinCpuMillicores);
        var memoryFloor = Math.Max(
            Math.Max(memoryHint ?? 0, floors.Value.MinMemoryMiB),
            ProfileHints.Number(hints, ProfileHints.MemoryFloorMiB) ?? 0);
        if (cpuFloor > profile.Cpu || memoryFloor > profile.Memory)
        {
            profile = profile with
            {
                Cpu = Math.Max(profile.Cpu, cpuFloor),
                Memory = Math.Max(profile.Memory, memoryFloor),
                Model = $"{profile.Model}+floor",
            };
        }

        return ValueTask.FromResult<PredictionProfile?>(profile);
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
