using Edge.Controller.Mqtt;
using MQTTnet.Packets;

namespace Edge.Controller.Tests.Mqtt;

public sealed class PendingBytesLimitTests
{
    [Fact]
    public void TryEnqueue_AboveLimit_RefusedUntilSent()
    {
        var limit = new PendingBytesLimit(1000);

        Assert.True(limit.TryEnqueue("agent-a", 600));
        Assert.False(limit.TryEnqueue("agent-a", 401));
        Assert.True(limit.TryEnqueue("agent-b", 1000));
        limit.OnDequeued("agent-a", new MqttPublishPacket { Payload = new System.Buffers.ReadOnlySequence<byte>(new byte[600]) });

        Assert.True(limit.TryEnqueue("agent-a", 1000));
    }

    [Fact]
    public void OnDequeued_Twice_ClampsAtZero()
    {
        var limit = new PendingBytesLimit(1000);
        limit.TryEnqueue("c", 100);
        var packet = new MqttPublishPacket { Payload = new System.Buffers.ReadOnlySequence<byte>(new byte[100]) };

        limit.OnDequeued("c", packet);
        limit.OnDequeued("c", packet);

        Assert.Equal(0, limit.Pending("c"));
        Assert.False(limit.TryEnqueue("c", 1001));
    }
}
