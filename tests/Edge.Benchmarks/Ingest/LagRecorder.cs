using System.Diagnostics.Metrics;
using Edge.Controller.Ingest;

namespace Edge.Benchmarks.Ingest;

/// <summary>Listens to the controller's <c>edge.ingest.lag</c> histogram in this process and keeps every value for percentiles.</summary>
internal sealed class LagRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<double> _values = [];

    public LagRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == IngestMetrics.MeterName && instrument.Name == "edge.ingest.lag")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (_values)
            {
                _values.Add(value);
            }
        });
        _listener.Start();
    }

    public void Reset()
    {
        lock (_values)
        {
            _values.Clear();
        }
    }

    public double Percentile(double p)
    {
        lock (_values)
        {
            if (_values.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _values.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }

    public void Dispose() => _listener.Dispose();
}
