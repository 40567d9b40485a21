using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Prometheus;

namespace Edge.Controller.Telemetry;

/// <summary>
/// Exports the controller's own System.Diagnostics.Metrics instruments (the <c>Edge.*</c> meters made by this host's
/// <see cref="IMeterFactory"/>; other hosts in the same process, as in tests, are not mixed in) into the Prometheus
/// registry: counters as counters (<c>_total</c>), histograms as histograms in base units, observable gauges and
/// up-down counters as gauges read at scrape time. prometheus-net's own MeterAdapter is not used: it turns counters
/// into gauges and expires idle series. A counter is published at 0 before its first measurement, so a family is
/// there from the first scrape; the unlabelled 0 is withdrawn once the instrument records with tags.
/// </summary>
internal sealed class MeterBridge : IDisposable
{
    private const string MeterPrefix = "Edge.";

    private readonly MeterListener _listener = new();
    private readonly IMeterFactory _factory;
    private readonly IMetricFactory _metrics;
    private readonly ConcurrentDictionary<Instrument, Export> _exports = new();

    public MeterBridge(IMeterFactory factory, MetricsRegistry registry)
    {
        _factory = factory;
        _metrics = Metrics.WithCustomRegistry(registry.Registry);
        _listener.InstrumentPublished = OnPublished;
        _listener.MeasurementsCompleted = (instrument, _) => _exports.TryRemove(instrument, out Export? _);
        _listener.SetMeasurementEventCallback<long>((i, m, t, _) => OnMeasurement(i, m, t));
        _listener.SetMeasurementEventCallback<int>((i, m, t, _) => OnMeasurement(i, m, t));
        _listener.SetMeasurementEventCallback<double>((i, m, t, _) => OnMeasurement(i, m, t));
        _listener.Start();
        registry.Registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);
    }

    public void Dispose() => _listener.Dispose();

    private void OnPublished(Instrument instrument, MeterListener listener)
    {
        if (!ReferenceEquals(instrument.Meter.Scope, _factory) || !instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal))
        {
            return;
        }

        var kind = instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> => ExportKind.Counter,
            ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => ExportKind.ObservedCounter,
            Histogram<long> or Histogram<int> or Histogram<double> => ExportKind.Histogram,
            UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> => ExportKind.UpDown,
            _ => ExportKind.Gauge,
        };
        var (name, scale) = PrometheusNames.For(instrument, kind is ExportKind.Counter or ExportKind.ObservedCounter);
        var help = string.IsNullOrWhiteSpace(instrument.Description) ? $"{instrument.Meter.Name} {instrument.Name}" : instrument.Description;
        var export = new Export(this, kind, name, help, scale);
        if (kind is ExportKind.Counter or ExportKind.Histogram)
        {
            export.PublishUnlabelledZero();
        }

        _exports[instrument] = export;
        listener.EnableMeasurementEvents(instrument);
    }

    private void OnMeasurement<T>(Instrument instrument, T measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct, IConvertible
    {
        if (_exports.TryGetValue(instrument, out var export))
        {
            export.Record(measurement.ToDouble(CultureInfo.InvariantCulture), tags);
        }
    }

    private enum ExportKind
    {
        Counter,
        ObservedCounter,
        Histogram,
        UpDown,
        Gauge,
    }

    /// <summary>One instrument's Prometheus family: one collector per set of tag keys it was recorded with.</summary>
    private sealed class Export(MeterBridge bridge, ExportKind kind, string name, string help, double scale)
    {
        private readonly ConcurrentDictionary<string, Collector> _byKeys = new(StringComparer.Ordinal);
        private volatile bool _taggedSeen;

        public void PublishUnlabelledZero() => Get([]);

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (!double.IsFinite(value))
            {
                return;
            }

            value *= scale;
            if (tags.IsEmpty)
            {
                Apply(Get([]), value, []);
                return;
            }

            var sorted = tags.ToArray();
            Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var keys = sorted.Select(t => PrometheusNames.Sanitize(t.Key)).ToArray();
            var values = sorted.Select(t => Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "").ToArray();
            if (keys.Length > 0 && !_taggedSeen)
            {
                _taggedSeen = true;
                WithdrawUnlabelledZero();
            }

            Apply(Get(keys), value, values);
        }

        private void Apply(Collector collector, double value, string[] values)
        {
            switch (collector)
            {
                case Counter counter when kind == ExportKind.Counter:
                    counter.WithLabels(values).Inc(Math.Max(0, value));
                    break;
                case Counter counter:
                    counter.WithLabels(values).IncTo(value);
                    break;
                case Histogram histogram:
                    histogram.WithLabels(values).Observe(value);
                    break;
                case Gauge gauge when kind == ExportKind.UpDown:
                    gauge.WithLabels(values).Inc(value);
                    break;
                case Gauge gauge:
                    gauge.WithLabels(values).Set(value);
                    break;
            }
        }

        private void WithdrawUnlabelledZero()
        {
            if (_byKeys.TryGetValue("", out var unlabelled))
            {
                switch (unlabelled)
                {
                    case Counter counter when counter.Value == 0:
                        ((ICollector<Counter.Child>)counter).Unlabelled.Unpublish();
                        break;
                    case Histogram histogram when ((ICollector<Histogram.Child>)histogram).Unlabelled.Count == 0:
                        ((ICollector<Histogram.Child>)histogram).Unlabelled.Unpublish();
                        break;
                }
            }
        }

        private Collector Get(string[] keys) => _byKeys.GetOrAdd(keys.Length == 0 ? "" : string.Join(',', keys), _ => kind switch
        {
            ExportKind.Counter or ExportKind.ObservedCounter => bridge._metrics.CreateCounter(name, help, keys),
            ExportKind.Histogram => bridge._metrics.CreateHistogram(name, help, keys),
            _ => bridge._metrics.CreateGauge(name, help, keys),
        });
    }
}
