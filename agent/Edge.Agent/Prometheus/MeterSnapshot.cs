using System.Diagnostics.Metrics;
using System.Text;
using Edge.Agent.Supervision;

namespace Edge.Agent.Prometheus;

/// <summary>
/// Adds up the agent's own counters and histograms (meters <c>Edge.Agent</c> and <c>Edge.Agent.Supervisor</c>) for
/// <c>/metrics</c>: one total per instrument and tag set, plus count and sum for histograms. Listens only when the
/// endpoint is on. A hand-written <see cref="MeterListener"/> rather than an exporter library: see the README.
/// </summary>
internal sealed class MeterSnapshot : IDisposable
{
    private readonly Lock _lock = new();
    private readonly MeterListener? _listener;
    private readonly List<Instrument> _instruments = [];
    private readonly Dictionary<(Instrument Instrument, string Labels), Series> _series = [];

    public MeterSnapshot(bool enabled)
    {
        if (!enabled)
        {
            return;
        }

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name is AgentMetrics.MeterName or SupervisorMetrics.MeterName && instrument is Counter<long> or Histogram<double>)
                {
                    lock (_lock)
                    {
                        _instruments.Add(instrument);
                    }

                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every instrument seen and its series (instruments with no measurement yet have none).</summary>
    public List<(Instrument Instrument, List<(string Labels, double Sum, long Count)> Series)> Read()
    {
        lock (_lock)
        {
            return [.. _instruments.Select(i => (i, _series.Where(s => s.Key.Instrument == i).Select(s => (s.Key.Labels, s.Value.Sum, s.Value.Count)).ToList()))];
        }
    }

    public void Dispose() => _listener?.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = tags.Length == 0 ? "" : Labels(tags);
        lock (_lock)
        {
            if (!_series.TryGetValue((instrument, labels), out var series))
            {
                _series[(instrument, labels)] = series = new Series();
            }

            series.Sum += value;
            series.Count++;
        }
    }

    /// <summary>Prometheus label text without braces, e.g. <c>reason="busy"</c>, names sanitised, values escaped.</summary>
    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in tags)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(PrometheusText.Name(key)).Append("=\"");
            PrometheusText.AppendLabelValue(text, value?.ToString() ?? "");
            text.Append('"');
        }

        return text.ToString();
    }

    private sealed class Series
    {
        public double Sum;
        public long Count;
    }
}
