using System.Collections.Concurrent;

namespace Edge.Controller.Mqtt;

/// <summary>
/// A token bucket per client id: <c>rate</c> tokens a second up to <c>burst</c>; each publish takes one (or, for a
/// byte budget, its payload size). Buckets are forgotten when their client disconnects.
/// </summary>
internal sealed class PublishRateLimiter
{
    private readonly double _rate;
    private readonly double _burst;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public PublishRateLimiter(double rate, double burst, TimeProvider time)
    {
        _rate = rate;
        _burst = burst;
        _time = time;
    }

    public bool TryTake(string clientId) => TryTake(clientId, 1);

    /// <summary>Takes <paramref name="cost"/> tokens (a publish, or its payload bytes); false, taking nothing, when fewer are left.</summary>
    public bool TryTake(string clientId, double cost)
    {
        var now = _time.GetTimestamp();
        var bucket = _buckets.GetOrAdd(clientId, _ => new Bucket(_burst, now));
        lock (bucket)
        {
            var elapsed = _time.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
            bucket.Tokens = Math.Min(_burst, bucket.Tokens + (elapsed * _rate));
            bucket.Stamp = now;
            if (bucket.Tokens < cost)
            {
                return false;
            }

            bucket.Tokens -= cost;
            return true;
        }
    }

    public void Forget(string clientId) => _buckets.TryRemove(clientId, out _);

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}
