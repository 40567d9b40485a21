using System.Diagnostics.Metrics;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// Listens to every counter of the Edge meters and, on the thread that is running one input, notes which counters
/// moved and with which tags (reject reasons, accepted kinds). The receivers' MQTT handlers run synchronously, so a
/// thread-static scope attributes each measurement to the input that caused it even with targets in parallel.
/// </summary>
internal sealed class CounterCapture : IDisposable
{
    [ThreadStatic]
    private static List<string>? _current;

    private readonly MeterListener _listener = new();

    public CounterCapture()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("Edge.", StringComparison.Ordinal) && instrument is Counter<long>)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Starts noting measurements made on this thread.</summary>
    public static void Begin() => _current = [];

    /// <summary>Stops noting and returns what moved, sorted and joined ("" when nothing did).</summary>
    public static string End()
    {
        var noted = _current ?? [];
        _current = null;
        noted.Sort(StringComparer.Ordinal);
        return string.Join(" + ", noted.Distinct());
    }

    public void Dispose() => _listener.Dispose();

    private static void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (_current is not { } noted)
        {
            return;
        }

        var text = instrument.Name;
        foreach (var tag in tags)
        {
            text += $" {tag.Key}={tag.Value}";
        }

        noted.Add(text);
    }
}
