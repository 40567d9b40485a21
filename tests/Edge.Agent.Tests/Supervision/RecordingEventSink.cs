using Edge.Agent.Publishing;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Supervision;

/// <summary>An in-memory event sink that lets a test await the event it expects.</summary>
internal sealed class RecordingEventSink : INodeEventSink
{
    private readonly Lock _lock = new();
    private readonly List<NodeEvent> _events = [];
    private readonly List<(Func<NodeEvent, bool> Match, TaskCompletionSource<NodeEvent> Done)> _waiters = [];

    public IReadOnlyList<NodeEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<NodeEvent> For(string commandId) => [.. Events.Where(e => e.CommandId == commandId)];

    public ValueTask PublishAsync(NodeEvent nodeEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _events.Add(nodeEvent);
            foreach (var waiter in _waiters.Where(w => w.Match(nodeEvent)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult(nodeEvent);
            }
        }

        return ValueTask.CompletedTask;
    }

    public Task<NodeEvent> WaitForAsync(Func<NodeEvent, bool> match, int timeoutMs = 20_000)
    {
        TaskCompletionSource<NodeEvent> done;
        lock (_lock)
        {
            if (_events.FirstOrDefault(match) is { } existing)
            {
                return Task.FromResult(existing);
            }

            done = new TaskCompletionSource<NodeEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
        }

        return done.Task.WaitAsync(TimeSpan.FromMilliseconds(timeoutMs), TestContext.Current.CancellationToken);
    }

    public Task<NodeEvent> WaitForAsync(NodeEventKind kind, string instanceId, int timeoutMs = 20_000) =>
        WaitForAsync(e => e.Kind == kind && e.InstanceId == instanceId, timeoutMs);
}
