using Edge.Integration.Tests.Harness;

namespace Edge.Integration.Tests.Cluster;

/// <summary>
/// Samples the agents' cgroups every 100 ms while a scenario runs and keeps every (node, instance, pid) it saw alive,
/// so a test can tell whether an instance ever ran twice: at once on two nodes, or one copy after another.
/// </summary>
internal sealed class InstanceWatch : IAsyncDisposable
{
    private readonly EdgeSystem _agents;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<(string Node, string Instance, int Pid)> _seen = [];
    private readonly List<string> _concurrent = [];
    private readonly Task _loop;

    private InstanceWatch(EdgeSystem agents)
    {
        _agents = agents;
        _loop = Task.Run(LoopAsync);
    }

    public static InstanceWatch Start(EdgeSystem agents) => new(agents);

    /// <summary>Every process seen for <paramref name="instance"/>: (node, pid).</summary>
    public IReadOnlyList<(string Node, int Pid)> CopiesOf(string instance)
    {
        lock (_seen)
        {
            return [.. _seen.Where(s => s.Instance == instance).Select(s => (s.Node, s.Pid)).Distinct().Order()];
        }
    }

    /// <summary>Instances seen alive on more than one node in the same sample, with the nodes.</summary>
    public IReadOnlyList<string> Concurrent
    {
        get
        {
            lock (_seen)
            {
                return [.. _concurrent];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var live = _agents.LiveInstances();
            lock (_seen)
            {
                _seen.UnionWith(live);
                foreach (var twice in live.GroupBy(l => l.Instance).Where(g => g.Select(l => l.Node).Distinct().Count() > 1))
                {
                    _concurrent.Add($"{twice.Key} on {string.Join(", ", twice.Select(l => $"{l.Node} (pid {l.Pid})"))}");
                }
            }

            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
