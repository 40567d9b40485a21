using Edge.Common.Contracts;

namespace Edge.Agent.Prometheus;

/// <summary>
/// The last metric batch the agent built, kept for <c>/metrics</c>, and the throttling the batches carried as
/// per-tick deltas added up into totals (Prometheus counters). Updated by the metrics loop once per tick, read by
/// scrapes; does nothing (no copy, no allocation) when the endpoint is off.
/// </summary>
internal sealed class SampleSnapshot
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (double Periods, double Seconds)> _throttled = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private MetricSample[] _samples = [];
    private long _collected;
    private long _batches;

    public SampleSnapshot(bool enabled) => Enabled = enabled;

    public bool Enabled { get; }

    /// <summary>Takes this tick's samples (the list is reused by the caller: copied here).</summary>
    public void Update(List<MetricSample> samples)
    {
        if (!Enabled)
        {
            return;
        }

        var copy = samples.ToArray();
        lock (_lock)
        {
            _samples = copy;
            _collected += copy.Length;
            _batches++;
            foreach (var sample in copy)
            {
                if (sample.Metric is not (MetricNames.ThrottledPeriods or MetricNames.ThrottledSeconds))
                {
                    continue;
                }

                _seen.Add(sample.Scope);
                var total = _throttled.GetValueOrDefault(sample.Scope);
                _throttled[sample.Scope] = sample.Metric == MetricNames.ThrottledPeriods
                    ? (total.Periods + sample.Value, total.Seconds)
                    : (total.Periods, total.Seconds + sample.Value);
            }

            // Only scopes still sampled keep their totals (ended instances go away, bounded by what runs).
            if (_throttled.Count > _seen.Count)
            {
                foreach (var scope in _throttled.Keys)
                {
                    if (!_seen.Contains(scope))
                    {
                        _throttled.Remove(scope);
                    }
                }
            }

            _seen.Clear();
        }
    }

    /// <summary>A consistent view: the last batch's samples, the throttling totals, samples and batches so far.</summary>
    public (MetricSample[] Samples, KeyValuePair<string, (double Periods, double Seconds)>[] Throttled, long Collected, long Batches) Read()
    {
        lock (_lock)
        {
            return (_samples, [.. _throttled], _collected, _batches);
        }
    }
}
