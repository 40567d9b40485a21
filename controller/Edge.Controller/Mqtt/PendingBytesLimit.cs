using System.Collections.Concurrent;
using MQTTnet.Packets;

namespace Edge.Controller.Mqtt;

/// <summary>
/// Payload bytes queued per receiving client id, so a subscriber that stops reading costs at most a fixed amount
/// (MQTTnet bounds its queue only in messages). Added when a message is enqueued, removed when the publish packet
/// is sent or the queue overwrites it; a QoS 1 resend may remove twice, so the figure is clamped at zero and errs
/// towards letting messages through, still bounded by the message count.
/// </summary>
internal sealed class PendingBytesLimit
{
    private readonly long _max;
    private readonly ConcurrentDictionary<string, StrongBox> _pending = new(StringComparer.Ordinal);

    public PendingBytesLimit(long max) => _max = max;

    public long Pending(string clientId) => _pending.TryGetValue(clientId, out var box) ? Interlocked.Read(ref box.Value) : 0;

    /// <summary>Reserves room for <paramref name="bytes"/> in the receiver's queue; false when it would exceed the limit.</summary>
    public bool TryEnqueue(string receiverClientId, long bytes)
    {
        var box = _pending.GetOrAdd(receiverClientId, _ => new StrongBox());
        while (true)
        {
            var current = Interlocked.Read(ref box.Value);
            if (current + bytes > _max)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref box.Value, current + bytes, current) == current)
            {
                return true;
            }
        }
    }

    public void OnDequeued(string receiverClientId, MqttPacket? packet)
    {
        if (packet is not MqttPublishPacket publish || !_pending.TryGetValue(receiverClientId, out var box))
        {
            return;
        }

        var bytes = publish.Payload.Length;
        while (true)
        {
            var current = Interlocked.Read(ref box.Value);
            if (Interlocked.CompareExchange(ref box.Value, Math.Max(0, current - bytes), current) == current)
            {
                return;
            }
        }
    }

    public void Forget(string clientId) => _pending.TryRemove(clientId, out _);

    private sealed class StrongBox
    {
        public long Value;
    }
}
