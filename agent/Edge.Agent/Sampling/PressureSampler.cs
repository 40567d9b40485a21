using Edge.Common.Contracts;

namespace Edge.Agent.Sampling;

/// <summary>
/// Pressure stall information when the kernel offers it: <c>psi.{cpu|memory|io}.{some|full}.avg10.percent</c>.
/// Emits nothing for a resource whose file is missing (kernel without CONFIG_PSI, or psi=0).
/// </summary>
internal sealed class PressureSampler : IMetricSource
{
    private static readonly string[] Resources = ["cpu", "memory", "io"];
    private readonly ProcFileReader _reader = new();
    private readonly string[] _files;
    private readonly string[] _someNames;
    private readonly string[] _fullNames;

    public PressureSampler(ProcPaths paths)
    {
        _files = new string[Resources.Length];
        _someNames = new string[Resources.Length];
        _fullNames = new string[Resources.Length];
        for (var i = 0; i < Resources.Length; i++)
        {
            _files[i] = paths.Pressure(Resources[i]);
            _someNames[i] = MetricNames.Pressure(Resources[i], "some");
            _fullNames[i] = MetricNames.Pressure(Resources[i], "full");
        }
    }

    public void Collect(long nowMs, List<MetricSample> samples)
    {
        for (var i = 0; i < _files.Length; i++)
        {
            if (!_reader.TryRead(_files[i], out var text) || !PressureParser.TryParseAvg10(text, out var some, out var full))
            {
                continue;
            }

            samples.Add(new MetricSample(MetricNames.NodeScope, _someNames[i], some));
            if (full is { } f)
            {
                samples.Add(new MetricSample(MetricNames.NodeScope, _fullNames[i], f));
            }
        }
    }
}
