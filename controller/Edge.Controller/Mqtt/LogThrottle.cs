using System.Collections.Concurrent;

namespace Edge.Controller.Mqtt;

/// <summary>Lets one log line per key through per period, so a misbehaving client cannot flood the log; refusals are still all counted.</summary>
internal sealed class LogThrottle
{
    private readonly TimeSpan _period;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, long> _last = new(StringComparer.Ordinal);

    public LogThrottle(TimeSpan period, TimeProvider time)
    {
        _period = period;
        _time = time;
    }

    public bool ShouldLog(string key)
    {
        var now = _time.GetTimestamp();
        while (true)
        {
            if (!_last.TryGetValue(key, out var last))
            {
                if (_last.TryAdd(key, now))
                {
                    return true;
                }

                continue;
            }

            if (_time.GetElapsedTime(last, now) < _period)
            {
                return false;
            }

            if (_last.TryUpdate(key, now, last))
            {
                return true;
            }
        }
    }
}
