using Edge.Common.Contracts;
using Edge.Controller.Broker;
using Edge.Models.Profiling;

namespace Edge.Controller.Profiles;

/// <summary>
/// The broker's <see cref="IProfileSource"/>: the forecaster's profile for the component (from its finished runs,
/// or similar components' runs, or the fallback), raised to any floor the request's hints carry (a step's own
/// starting profile, or the memory floor after an OOM kill). Every component id is accepted: a never-seen component
/// is predicted from similar ones with a wider interval.
/// </summary>
internal sealed class ComponentProfileSource(ComponentProfiler profiler) : IProfileSource
{
    public ValueTask<PredictionProfile?> GetProfileAsync(
        string componentId,
        string? workflowRunId,
        IReadOnlyDictionary<string, string>? hints,
        CancellationToken cancellationToken)
    {
        var context = ContextOf(hints);
        var profile = profiler.Predict(componentId, context);
        var cpuFloor = ProfileHints.Number(hints, ProfileHints.CpuMillicores);
        var memoryFloor = Math.Max(
            ProfileHints.Number(hints, ProfileHints.MemoryMiB) ?? 0,
            ProfileHints.Number(hints, ProfileHints.MemoryFloorMiB) ?? 0);
        if (cpuFloor > profile.Cpu || memoryFloor > profile.Memory)
        {
            profile = profile with
            {
                Cpu = Math.Max(profile.Cpu, cpuFloor ?? 0),
                Memory = Math.Max(profile.Memory, memoryFloor),
                Model = $"{profile.Model}+floor",
            };
        }

        return ValueTask.FromResult<PredictionProfile?>(profile);
    }

    public static ComponentContext ContextOf(IReadOnlyDictionary<string, string>? hints) => new(
        ProfileHints.Text(hints, ProfileHints.Workflow),
        ProfileHints.Text(hints, ProfileHints.Step),
        ProfileHints.Text(hints, ProfileHints.Command),
        ProfileHints.Number(hints, ProfileHints.InputSizeBytes),
        ProfileHints.Text(hints, ProfileHints.NodeClass));
}
