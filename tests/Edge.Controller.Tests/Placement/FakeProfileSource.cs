using System.Collections.Concurrent;
using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

internal sealed class FakeProfileSource : IProfileSource
{
    private readonly ConcurrentDictionary<string, PredictionProfile> _profiles = new(StringComparer.Ordinal);

    public FakeProfileSource Add(string componentId, double cpu, double memory, double level = 0.95, double cpuUpper = 0, double memoryUpper = 0, double network = 0)
    {
        _profiles[componentId] = Profile(componentId, cpu, memory, level, cpuUpper, memoryUpper) with { NetworkBandwidth = network };
        return this;
    }

    public static PredictionProfile Profile(string componentId, double cpu, double memory, double level = 0.95, double cpuUpper = 0, double memoryUpper = 0) => new()
    {
        ComponentId = componentId,
        Cpu = cpu,
        Memory = memory,
        NetworkBandwidth = 0,
        ConfidenceInterval = new ConfidenceInterval(level, new IntervalBounds(cpu / 2, cpuUpper), new IntervalBounds(memory / 2, memoryUpper), new IntervalBounds(0, 0)),
    };

    public ValueTask<PredictionProfile?> GetProfileAsync(string componentId, string? workflowRunId, IReadOnlyDictionary<string, string>? hints, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_profiles.GetValueOrDefault(componentId));
}
