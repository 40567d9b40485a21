using System.Threading.Channels;

namespace Edge.Controller.Control;

/// <summary>
/// The control loop's inbox. Unbounded, so MQTT handlers never block; status, events and decisions are few, and
/// metric batches are drained as fast as they arrive (the loop only keeps running peaks from them).
/// </summary>
internal sealed class ControlChannel
{
    private readonly Channel<ControlEvent> _channel = Channel.CreateUnbounded<ControlEvent>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<ControlEvent> Reader => _channel.Reader;

    public void Post(ControlEvent item) => _channel.Writer.TryWrite(item);

    public void Complete() => _channel.Writer.TryComplete();
}
