using System.Threading.Channels;
using Edge.Controller.Options;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Ingest;

/// <summary>
/// The bounded channel between the MQTT handler and the history writer. Under pressure the oldest batch is
/// dropped (metric samples may be lost, never silently: every drop is counted).
/// </summary>
internal sealed class IngestQueue
{
    private readonly Channel<IngestItem> _channel;

    public IngestQueue(IOptions<ControllerOptions> options, IngestMetrics metrics)
    {
        _channel = Channel.CreateBounded<IngestItem>(
            new BoundedChannelOptions(options.Value.Ingest.ChannelCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
            },
            _ => metrics.OnDropped());
        metrics.ChannelDepth = () => _channel.Reader.Count;
    }

    public ChannelReader<IngestItem> Reader => _channel.Reader;

    public void Enqueue(IngestItem item) => _channel.Writer.TryWrite(item);
}
