using System.Globalization;
using Edge.Agent.Cgroups;
using Edge.Benchmarks.ResizeLatency;
using Edge.Common.Contracts;
using Microsoft.Extensions.Logging;

namespace Edge.Benchmarks.AgentOverhead;

/// <summary>
/// Runs idle instances on one agent the way the controller would: start commands on the node's command topic,
/// each answered by CommandCompleted once the process runs in its own cgroup. Each instance is
/// <c>edge-workload --duration S</c> (sleeps, no CPU, no allocation) with 100 millicores and 64 MiB.
/// </summary>
internal sealed class InstanceFleet : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly EventObserver _observer;
    private readonly string _node;
    private readonly string _commands;
    private readonly string _workload;
    private readonly List<string> _running = [];

    private InstanceFleet(EventObserver observer, string node, string workload)
    {
        _observer = observer;
        _workload = workload;
        _node = node;
        _commands = new EdgeTopics().NodeCommands(node);
    }

    public IReadOnlyList<string> Running => _running;

    /// <summary>Connects an event observer for <paramref name="node"/>; instances run <paramref name="workload"/>, the edge-workload beside the agent's executable (the one its default allow-list admits).</summary>
    public static async Task<InstanceFleet> ConnectAsync(int brokerPort, string node, string workload, ILogger logger)
    {
        var observer = new EventObserver($"mqtt://127.0.0.1:{brokerPort}", null, null, new EdgeTopics().NodeEvents(node), logger, "bench-fleet-" + node);
        using var ready = new CancellationTokenSource(Timeout);
        await observer.StartAsync(ready.Token);
        return new InstanceFleet(observer, node, workload);
    }

    /// <summary>Starts <paramref name="count"/> instances, a few at a time; throws with the agent's reason on a rejection.</summary>
    public async Task StartAsync(int count, int durationSeconds)
    {
        for (var i = 0; i < count; i += 5)
        {
            await Task.WhenAll(Enumerable.Range(i, Math.Min(5, count - i)).Select(n => StartOneAsync($"idle-{n:D3}", durationSeconds)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_running.ToList().Select(StopOneAsync));
        await _observer.DisposeAsync();
    }

    /// <summary>Kills whatever is left in the agent's groups and removes them (after a failed run).</summary>
    public static void RemoveGroups(string parent)
    {
        var layout = CgroupLayout.Detect();
        if (layout.Mode != CgroupMode.V1)
        {
            return;
        }

        var driver = new CgroupV1Driver(layout, parent);
        foreach (var group in driver.ListGroups())
        {
            foreach (var pid in driver.ReadPids(group))
            {
                LibC.Kill(pid, LibC.SigKill);
            }
        }

        foreach (var mount in layout.V1Mounts.Values.Distinct())
        {
            var dir = Path.Combine(mount, parent);
            for (var attempt = 0; attempt < 50 && Directory.Exists(dir); attempt++)
            {
                try
                {
                    foreach (var child in Directory.GetDirectories(dir))
                    {
                        Directory.Delete(child);
                    }

                    Directory.Delete(dir);
                }
                catch (IOException)
                {
                    Thread.Sleep(100); // the last tasks of a killed group are still exiting
                }
            }
        }
    }

    private async Task StartOneAsync(string instanceId, int durationSeconds)
    {
        var error = await SendAsync(CommandKind.Start, new StartSpec
        {
            InstanceId = instanceId,
            ComponentId = "bench/idle",
            Executable = _workload,
            Args = ["--duration", durationSeconds.ToString(CultureInfo.InvariantCulture)],
            Limits = new InstanceLimits(100, 64),
        }, null);
        if (error is not null)
        {
            throw new InvalidOperationException($"instance {instanceId} was not started: {error}");
        }

        lock (_running)
        {
            _running.Add(instanceId);
        }
    }

    private async Task StopOneAsync(string instanceId) => await SendAsync(CommandKind.Stop, null, new StopSpec(instanceId, 2000));

    private async Task<string?> SendAsync(CommandKind kind, StartSpec? start, StopSpec? stop)
    {
        var command = new NodeCommand { CommandId = Guid.NewGuid().ToString("N"), NodeId = _node, Kind = kind, IssuedAtMs = 0, Start = start, Stop = stop };
        var answer = _observer.Expect(command.CommandId);
        using var timeout = new CancellationTokenSource(Timeout);
        if (!await _observer.Connection.PublishAsync(_commands, PayloadCodec.Encode(command, EdgeJsonContext.Default.NodeCommand), retain: false, timeout.Token))
        {
            return "the publish was not acknowledged";
        }

        var (nodeEvent, _) = await answer.WaitAsync(Timeout);
        return nodeEvent.Kind == NodeEventKind.CommandCompleted ? null : nodeEvent.Reason;
    }
}
