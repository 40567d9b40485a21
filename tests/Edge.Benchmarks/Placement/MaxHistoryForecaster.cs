namespace Edge.Benchmarks.Placement;

/// <summary>
/// The simulation's per-component forecaster: the maximum cpu and memory of the component's earlier finished
/// tasks times a margin; a component never seen gets the cold-start profile. A stand-in until the forecasting
/// models are wired in; the same for every scorer compared.
/// </summary>
internal sealed class MaxHistoryForecaster(double margin, double coldCpu, double coldMemoryMiB)
{
    private readonly Dictionary<string, (double Cpu, double Mem)> _peaks = new(StringComparer.Ordinal);

    public (double Cpu, double Mem) Profile(string component) =>
        _peaks.TryGetValue(component, out var peak) ? (peak.Cpu * margin, Math.Max(peak.Mem * margin, 1)) : (coldCpu, coldMemoryMiB);

    public void Observe(string component, double cpu, double memoryMiB)
    {
        var peak = _peaks.GetValueOrDefault(component);
        _peaks[component] = (Math.Max(peak.Cpu, cpu), Math.Max(peak.Mem, memoryMiB));
    }
}
