using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Benchmarks.Placement;

/// <summary>Profiles from a fixed table, as a forecaster that has already computed them would answer.</summary>
internal sealed class TableProfileSource : IProfileSource
{
    private readonly Dictionary<string, PredictionProfile> _profiles = new(StringComparer.Ordinal);

    public void Set(string componentId, double cpu, double memory)
    {
        var interval = new ConfidenceInterval(0.9, new IntervalBounds(cpu * 0.5, cpu * 0.8), new IntervalBounds(memory * 0.5, memory * 0.8), new IntervalBounds(0, 0));
        _profiles[componentId] = new PredictionProfile { ComponentId = componentId, Cpu = cpu, Memory = memory, NetworkBandwidth = 0, ConfidenceInterval = interval };
    }

    public ValueTask<PredictionProfile?> GetProfileAsync(string componentId, string? workflowRunId, IReadOnlyDictionary<string, string>? hints, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_profiles.GetValueOrDefault(componentId));
}
