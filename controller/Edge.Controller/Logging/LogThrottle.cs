using System.Collections.Concurrent;

namespace Edge.Controller.Logging;

/// <summary>
/// Lets one log line per key through per interval, so a misbehaving client, node or caller cannot flood the log; the
/// counters still see every occurrence, and the next line that goes through says how many were not logged since.
/// One mechanism for every refusal log of the controller (API, broker, ingest, node reports).
/// </summary>
internal class LogThrottle<TKey>(TimeProvider time, TimeSpan interval)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();

    /// <summary>
    /// True when this occurrence (or batch of <paramref name="occurrences"/>) should be logged; then
    /// <paramref name="suppressed"/> is how many occurrences were not logged since the last line for this key.
    /// </summary>
    public bool ShouldLog(TKey key, long occurrences, out long suppressed)
    {
        var now = time.GetTimestamp();
        var entry = _entries.GetOrAdd(key, static _ => new Entry());
        lock (entry)
        {
            if (entry.LoggedAt is { } at && time.GetElapsedTime(at, now) < interval)
            {
                entry.Suppressed += occurrences;
                suppressed = 0;
                return false;
            }

            suppressed = entry.Suppressed + occurrences - 1;
            entry.Suppressed = 0;
            entry.LoggedAt = now;
            return true;
        }
    }

    /// <inheritdoc cref="ShouldLog(TKey, long, out long)"/>
    public bool ShouldLog(TKey key, out long suppressed) => ShouldLog(key, 1, out suppressed);

    /// <summary>True when this occurrence should be logged.</summary>
    public bool ShouldLog(TKey key) => ShouldLog(key, 1, out _);

    private sealed class Entry
    {
        public long? LoggedAt { get; set; }

        public long Suppressed { get; set; }
    }
}
