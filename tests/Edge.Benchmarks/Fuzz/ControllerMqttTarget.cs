using System.Buffers;
using Edge.Controller.Mqtt;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Controller.Ingest;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// One controller MQTT topic as the controller runs it: the payload goes to the message handler of the controller's
/// own MQTT connection (<see cref="ControllerMqttLink"/>: decode, node check, batch checks) in a real controller host, and
/// from there through the real NodeRegistry, ingest queue, FASTER writer and control loop. The handler is called
/// directly rather than through the embedded broker: a broker round trip per input would be slower and would not
/// tell which input caused which outcome. The outcome is the set of Edge counters the handler moved (reject reason,
/// accepted), read on the handler's own thread.
/// </summary>
internal sealed class ControllerMqttTarget : IFuzzTarget
{
    /// <summary>Accepted inputs leave state (runs, allocations); it is released every this many executions.</summary>
    private const int ReleaseEvery = 256;

    private readonly FuzzController _controller;
    private readonly Func<MqttIncoming, CancellationToken, Task> _handler;
    private readonly string _topic;
    private readonly Func<byte[], string?> _whyMalformed;
    private long _executions;

    private ControllerMqttTarget(string name, string description, FuzzController controller, string topic, IReadOnlyList<byte[]> seeds, Func<byte[], string?> whyMalformed)
    {
        _whyMalformed = whyMalformed;
        Name = name;
        Description = description;
        _controller = controller;
        _topic = topic;
        Seeds = seeds;
        _handler = controller.Services.GetRequiredService<ControllerMqttLink>().Connection.MessageHandler
            ?? throw new InvalidOperationException("the controller's MQTT connection has no message handler");
    }

    public string Name { get; }

    public string Description { get; }

    public IReadOnlyList<byte[]> Seeds { get; }

    public static async Task<ControllerMqttTarget> StartAsync(NodeTopicKind? kind)
    {
        var name = kind switch
        {
            NodeTopicKind.Status => "controller-status",
            NodeTopicKind.Metrics => "controller-metrics",
            NodeTopicKind.Events => "controller-events",
            _ => "controller-submit",
        };
        var controller = await FuzzController.StartAsync(name);
        var topics = new EdgeTopics();
        var node = FuzzController.NodeA;
        var (topic, seeds, why) = kind switch
        {
            NodeTopicKind.Status => (topics.NodeStatus(node), FuzzSeeds.Statuses(node), (Func<byte[], string?>)(b => PayloadCodec.Decode(b, EdgeJsonContext.Default.NodeStatus).Message)),
            NodeTopicKind.Metrics => (topics.NodeMetrics(node), FuzzSeeds.Batches(node), b => PayloadCodec.Decode(b, EdgeJsonContext.Default.MetricBatch).Message),
            NodeTopicKind.Events => (topics.NodeEvents(node), FuzzSeeds.Events(node), b => PayloadCodec.Decode(b, EdgeJsonContext.Default.NodeEvent).Message),
            _ => (topics.WorkflowSubmit, FuzzSeeds.Submissions(), b => PayloadCodec.Decode(b, EdgeJsonContext.Default.WorkflowSubmission).Message),
        };
        var target = new ControllerMqttTarget(name, $"controller: ControllerMqttLink handler on {topic} in a real controller host", controller, topic, seeds, why);
        if (kind != NodeTopicKind.Status)
        {
            // Events, metrics and submissions go further when the node is known and online, as it would be.
            foreach (var status in FuzzSeeds.Statuses(node).Take(1).Concat(FuzzSeeds.Statuses(FuzzController.NodeB).Take(1)))
            {
                var statusTopic = topics.NodeStatus(PayloadCodec.Decode(status, EdgeJsonContext.Default.NodeStatus).Value!.NodeId);
                await target._handler(new MqttIncoming(statusTopic, new ReadOnlySequence<byte>(status), true), CancellationToken.None);
            }
        }

        return target;
    }

    public async Task<FuzzOutcome> ExecuteAsync(byte[] input, CancellationToken cancellationToken)
    {
        if (++_executions % ReleaseEvery == 0)
        {
            await _controller.ReleaseEverythingAsync(cancellationToken);
        }

        var before = _controller.Errors.Total;
        string moved;
        CounterCapture.Begin();
        try
        {
            await _handler(new MqttIncoming(_topic, new ReadOnlySequence<byte>(input), false), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CounterCapture.End();
            return FuzzOutcome.Crashed("exception", ex.ToString());
        }
        finally
        {
            moved = CounterCapture.End();
        }

        if (_controller.Errors.Total != before)
        {
            return FuzzOutcome.Crashed("error-logged", _controller.Errors.Take() ?? "(error entry dropped)");
        }

        if (_controller.Stopped)
        {
            return FuzzOutcome.Crashed("host-stopped", _controller.Failure()!);
        }

        return new(moved.Length == 0 ? "accepted (no counter moved)" : Detail(moved, input));
    }

    public string? TakeBackgroundFailure() => _controller.Failure();

    public async ValueTask DisposeAsync() => await _controller.DisposeAsync();

    /// <summary>For malformed payloads the class adds why (the same decode the handler ran), blanked of values.</summary>
    private string Detail(string moved, byte[] input) =>
        moved.Contains("reason=malformed", StringComparison.Ordinal) ? OutcomeClass.Of(moved, _whyMalformed(input)) : moved;
}
