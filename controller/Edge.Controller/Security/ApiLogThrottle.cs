using System.Collections.Concurrent;

namespace Edge.Controller.Security;

/// <summary>
/// One log line per reason per interval, so a caller hammering the API with bad tokens cannot flood the log; the
/// counters still see every refusal, and the next line says how many were not logged in between.
/// </summary>
internal sealed class ApiLogThrottle
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public ApiLogThrottle(TimeProvider time) => _time = time;

    /// <summary>True when this refusal should be logged; <paramref name="suppressed"/> is how many were skipped since the last one.</summary>
    public bool ShouldLog(string reason, out long suppressed)
    {
        var now = _time.GetTimestamp();
        var entry = _entries.GetOrAdd(reason, _ => new Entry());
        lock (entry)
        {
            if (entry.LoggedAt is { } at && _time.GetElapsedTime(at, now) < Interval)
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
