using System.Collections.Concurrent;

namespace Edge.Controller.Ingest;

/// <summary>
/// Lets one warning per (topic, reason) through per interval, so a misbehaving agent publishing bad payloads many
/// times a second cannot flood the log; the counters still see every rejection, and the next warning says how many
/// were not logged in between.
/// </summary>
internal sealed class RejectionLogThrottle
{
    private readonly ConcurrentDictionary<(string Topic, string Reason), Entry> _entries = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;

    public RejectionLogThrottle(TimeProvider time, TimeSpan interval)
    {
        _time = time;
        _interval = interval;
    }

    /// <summary>True when this rejection should be logged; <paramref name="suppressed"/> is how many were skipped since the last one.</summary>
    public bool ShouldLog(string topic, string reason, out long suppressed)
    {
        var now = _time.GetTimestamp();
        var entry = _entries.GetOrAdd((topic, reason), _ => new Entry());
        lock (entry)
        {
            if (entry.LoggedAt is { } at && _time.GetElapsedTime(at, now) < _interval)
            {
                entry.Suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = entry.Suppressed;
            entry.Suppressed = 0;
            entry.LoggedAt = now;
            return true;
        }
    }

    private sealed class Entry
    {
        public long? LoggedAt { get; set; }

        public long Suppressed { get; set; }
    }
}
