using System.Diagnostics;
using Edge.Agent.Publishing;
using Edge.Common.Contracts;

namespace Edge.Benchmarks.ResizeLatency;

/// <summary>An event sink that notes when each InstanceResized event (emitted right after the cgroup write) arrives.</summary>
internal sealed class ResizedEventClock : INodeEventSink
{
    public long LastResizedTimestamp { get; private set; }
    public string? LastRejection { get; private set; }

    public ValueTask PublishAsync(NodeEvent nodeEvent, CancellationToken cancellationToken)
    {
        if (nodeEvent.Kind == NodeEventKind.InstanceResized)
        {
            LastResizedTimestamp = Stopwatch.GetTimestamp();
        }
        else if (nodeEvent.Kind == NodeEventKind.CommandRejected)
        {
            LastRejection = nodeEvent.Reason;
        }

        return ValueTask.CompletedTask;
    }
}
