using System.Collections.Concurrent;
using System.Diagnostics;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Microsoft.Extensions.Logging;

namespace Edge.Benchmarks.ResizeLatency;

/// <summary>
/// A controller-side subscriber (the controller's MQTT user where the broker asks for one, its own client id) to one
/// node's events (or a filter such as <c>edge/v1/nodes/+/events</c>): completes
/// the wait registered for a command id when its CommandCompleted or CommandRejected arrives, with the Stopwatch
/// timestamp of arrival.
/// </summary>
internal sealed class EventObserver : IAsyncDisposable
{
    private readonly MqttConnection _connection;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(NodeEvent Event, long ArrivedAt)>> _waits = new(StringComparer.Ordinal);

    public EventObserver(string brokerUrl, string? username, string? password, string eventsTopic, ILogger logger, string clientId = "edge-controller-bench-observer")
    {
        _connection = new MqttConnection(new MqttConnectionOptions
        {
            BrokerUrl = brokerUrl,
            ClientId = clientId,
            Username = username,
            Password = password,
        }, logger, TimeProvider.System);
        _connection.Subscribe(eventsTopic);
        _connection.MessageHandler = OnMessageAsync;
    }

    public MqttConnection Connection => _connection;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _connection.Start();
        await _connection.WaitConnectedAsync(cancellationToken);
    }

    /// <summary>Registers interest in a command's final answer; call before publishing the command.</summary>
    public Task<(NodeEvent Event, long ArrivedAt)> Expect(string commandId)
    {
        var wait = new TaskCompletionSource<(NodeEvent, long)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waits[commandId] = wait;
        return wait.Task;
    }

    private Task OnMessageAsync(MqttIncoming message, CancellationToken cancellationToken)
    {
        var arrived = Stopwatch.GetTimestamp();
        var decoded = PayloadCodec.Decode(message.Payload, EdgeJsonContext.Default.NodeEvent);
        if (decoded.Ok && decoded.Value.Kind is NodeEventKind.CommandCompleted or NodeEventKind.CommandRejected
            && decoded.Value.CommandId is { } id && _waits.TryRemove(id, out var wait))
        {
            wait.TrySetResult((decoded.Value, arrived));
        }

        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
