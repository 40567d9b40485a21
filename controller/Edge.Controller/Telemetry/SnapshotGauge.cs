using Prometheus;

namespace Edge.Controller.Telemetry;

/// <summary>
/// A gauge family rewritten whole at each scrape: the series given are set, and series of the previous scrape that
/// are not given again (an instance that ended, a node cut by the cap) are removed, so ended things do not linger.
/// Not thread-safe: the caller serialises scrapes.
/// </summary>
internal sealed class SnapshotGauge(Gauge gauge)
{
    private Dictionary<string, string[]> _published = new(StringComparer.Ordinal);
    private Dictionary<string, string[]> _current = new(StringComparer.Ordinal);

    public void Set(double value, params string[] labels)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        gauge.WithLabels(labels).Set(value);
        _current[string.Join('\u001f', labels)] = labels;
    }

    /// <summary>Removes what was published before and not set since the last call, and starts the next round.</summary>
    public void Commit()
    {
        foreach (var (key, labels) in _published)
        {
            if (!_current.ContainsKey(key))
            {
                gauge.WithLabels(labels).Remove();
            }
        }

        (_published, _current) = (_current, _published);
        _current.Clear();
    }
}
