using Edge.Common.Contracts;

namespace Edge.Agent.Sampling;

/// <summary>
/// Node CPU from /proc/stat deltas: utilisation % of each core (<c>cpu.core.{n}.util.percent</c>), of the whole node
/// (<c>cpu.util.percent</c>) and cores in use (<c>cpu.usage.cores</c>). The first tick only takes a snapshot.
/// </summary>
internal sealed class CpuSampler : IMetricSource
{
    private readonly ProcPaths _paths;
    private readonly ProcFileReader _reader = new();
    private CpuTimes[] _previous = new CpuTimes[Environment.ProcessorCount];
    private CpuTimes[] _current = new CpuTimes[Environment.ProcessorCount];
    private string[] _coreNames = [];
    private CpuTimes _previousAggregate;
    private int _previousCores = -1;

    public CpuSampler(ProcPaths paths)
    {
        _paths = paths;
    }

    public void Collect(long nowMs, List<MetricSample> samples)
    {
        if (!_reader.TryRead(_paths.Stat, out var text))
        {
            return;
        }

        var cores = ProcStatParser.Parse(text, _current, out var aggregate);
        if (cores > _current.Length)
        {
            _current = new CpuTimes[cores];
            _previous = new CpuTimes[cores];
            _previousCores = -1;
            ProcStatParser.Parse(text, _current, out aggregate);
        }

        if (cores < 0)
        {
            return;
        }

        if (_previousCores == cores)
        {
            Emit(cores, aggregate, samples);
        }

        (_previous, _current) = (_current, _previous);
        _previousAggregate = aggregate;
        _previousCores = cores;
    }

    private void Emit(int cores, CpuTimes aggregate, List<MetricSample> samples)
    {
        if (_coreNames.Length != cores)
        {
            _coreNames = new string[cores];
            for (var i = 0; i < cores; i++)
            {
                _coreNames[i] = MetricNames.CoreUtilisation(i);
            }
        }

        for (var i = 0; i < cores; i++)
        {
            samples.Add(new MetricSample(MetricNames.NodeScope, _coreNames[i], 100 * CpuTimes.BusyFraction(_previous[i], _current[i])));
        }

        var fraction = CpuTimes.BusyFraction(_previousAggregate, aggregate);
        samples.Add(new MetricSample(MetricNames.NodeScope, MetricNames.CpuUtilisationPercent, 100 * fraction));
        samples.Add(new MetricSample(MetricNames.NodeScope, MetricNames.CpuCores, fraction * cores));
    }
}
