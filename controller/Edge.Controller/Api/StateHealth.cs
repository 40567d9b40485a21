using System.Diagnostics.Metrics;
using Edge.Controller.State;

namespace Edge.Controller.Api;

/// <summary>
/// The state store's write health for <c>/readyz</c>, from the store's own counters (<c>edge.state.commits</c>,
/// <c>edge.state.write_failures</c>, meter <c>Edge.Controller.State</c>) as this host's meter factory created them,
/// so it holds for every backend that counts its writes there and never mixes two controllers in one process.
/// Healthy unless the latest write was refused.
/// </summary>
internal sealed class StateHealth : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _commits;
    private long _failures;
    private bool _latestFailed;
    private string? _lastFailure;
    private DateTimeOffset? _lastFailureAt;

    public StateHealth(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Edge.Controller.State" && ReferenceEquals(instrument.Meter.Scope, meters)
                && instrument.Name is "edge.state.commits" or "edge.state.write_failures")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    public StateReadiness Read(IStateStore? store)
    {
        var backend = store?.Describe is { Length: > 0 } describe ? describe.Split(' ', 2)[0] : "none";
        lock (_lock)
        {
            return new StateReadiness(backend, !_latestFailed, _commits, _failures, _lastFailure, _lastFailureAt);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? reason = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "reason")
            {
                reason = tag.Value?.ToString();
            }
        }

        lock (_lock)
        {
            if (instrument.Name == "edge.state.commits")
            {
                _commits += value;
                _latestFailed = false;
            }
            else
            {
                _failures += value;
                _latestFailed = true;
                _lastFailure = reason ?? "error";
                _lastFailureAt = _time.GetUtcNow();
            }
        }
    }
}
