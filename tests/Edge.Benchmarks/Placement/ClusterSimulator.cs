using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Benchmarks.Placement;

/// <summary>
/// Discrete-event simulation of workflows arriving onto a mixed on-demand/spot fleet, placed through the broker's
/// own inventory and search (<see cref="NodeInventory"/>, <see cref="NodeSearch"/>) with one scorer. Ready tasks
/// wait in one FIFO queue (with backfill), identical for every scorer. A task reserves its forecast profile; if its
/// real memory exceeds the reservation it is OOM-killed part way and retried, if its real cpu exceeds it it runs
/// slower (throttled). A node is billed while it hosts at least one task (idle nodes are released, as by an
/// autoscaler); a reclaimed spot node kills its tasks, which are queued again.
/// </summary>
internal sealed partial class ClusterSimulator
{
    private readonly SimConfig _config;
    private readonly IReadOnlyList<WfWorkflow> _workflows;
    private readonly int[][][] _children;
    private readonly NodeInventory _nodes = new();
    private readonly PriorityQueue<SimEvent, (double, long)> _events = new();
    private readonly MaxHistoryForecaster _forecaster;
    private readonly Dictionary<long, Attempt> _running = [];
    private readonly List<Pending> _pending = [];
    private readonly List<double> _waits = [];
    private readonly PlacementStrategy _strategy;
    private RunState[] _runs = [];
    private double[] _billStart = [];
    private double _billedCost;
    private double _billedCoreSeconds;
    private double _billedMemSeconds;
    private double _usedCoreSeconds;
    private double _usedMemSeconds;
    private double _reservedSpotCoreSeconds;
    private double _reservedCoreSeconds;
    private long _sequence;
    private int _firstUntried;
    private bool _capacityFreed;
    private int _oomKills;
    private int _throttled;
    private int _interrupted;

    public ClusterSimulator(SimConfig config, IReadOnlyList<WfWorkflow> workflows, PlacementStrategy strategy)
    {
        _config = config;
        _workflows = workflows;
        _strategy = strategy;
        _forecaster = new MaxHistoryForecaster(config.Margin, config.ColdCpu, config.ColdMemoryMiB);
        _children = [.. workflows.Select(ChildrenOf)];
    }

    public SimResult Run(string name, IReadOnlyList<(double Time, int Workflow)> arrivals, IReadOnlyList<(int Node, double Down, double Up)> outages)
    {
        AddFleet();
        _runs = new RunState[arrivals.Count];
        for (var r = 0; r < arrivals.Count; r++)
        {
            _runs[r] = new RunState(arrivals[r].Workflow, arrivals[r].Time, _workflows[arrivals[r].Workflow].Tasks.Select(t => t.Parents.Length).ToArray());
            Push(arrivals[r].Time, new SimEvent(EventKind.Arrival, r, 0, 0));
        }

        foreach (var (node, down, up) in outages)
        {
            Push(down, new SimEvent(EventKind.NodeDown, node, 0, 0));
            Push(up, new SimEvent(EventKind.NodeUp, node, 0, 0));
        }

        while (_events.TryDequeue(out var e, out var key))
        {
            Handle(e, key.Item1);
            if (!_events.TryPeek(out _, out var next) || next.Item1 > key.Item1)
            {
                Schedule(key.Item1);
            }
        }

        return Summarise(name);
    }

    private void Handle(SimEvent e, double now)
    {
        switch (e.Kind)
        {
            case EventKind.Arrival:
                var run = _runs[e.A];
                for (var t = 0; t < run.WaitingParents.Length; t++)
                {
                    if (run.WaitingParents[t] == 0)
                    {
                        _pending.Add(new Pending(e.A, t, now));
                    }
                }

                break;
            case EventKind.Finish:
                Finish(e.C, now);
                break;
            case EventKind.NodeDown:
                NodeDown(e.A, now);
                break;
            case EventKind.NodeUp:
                _nodes.SetOnline(e.A, true);
                _capacityFreed = true;
                break;
        }
    }

    private void Schedule(double now)
    {
        var start = _capacityFreed ? 0 : _firstUntried;
        _capacityFreed = false;
        var kept = new List<Pending>(_pending.Count);
        kept.AddRange(_pending.Take(start));
        for (var i = start; i < _pending.Count; i++)
        {
            if (!TryStart(_pending[i], now))
            {
                kept.Add(_pending[i]);
            }
        }

        _pending.Clear();
        _pending.AddRange(kept);
        _firstUntried = _pending.Count;
    }

    private bool TryStart(Pending pending, double now)
    {
        var task = _workflows[_runs[pending.Run].Workflow].Tasks[pending.Task];
        var (cpu, mem) = _forecaster.Profile(task.Component);
        cpu = Math.Min(cpu, _config.Cores * 1000);
        mem = Math.Min(mem, _config.MemoryGiB * 1024);
        var query = new PlacementQuery(cpu, mem, 0, 0, null, uint.MaxValue, null);
        var slot = NodeSearch.Find(_nodes, query, _strategy, 0).Best;
        if (slot < 0)
        {
            return false;
        }

        if (_nodes.AllocationCounts[slot] == 0)
        {
            _billStart[slot] = now;
        }

        var demand = new ResourceQuantity(cpu, mem);
        _nodes.Reserve(slot, demand);
        _waits.Add(now - pending.Ready);
        var slowdown = Math.Max(1, task.CpuMillicores / cpu);
        var oom = task.MemoryMiB > mem;
        var duration = task.RuntimeSeconds * slowdown * (oom ? _config.OomAt : 1);
        if (slowdown > 1)
        {
            _throttled++;
        }

        var id = _sequence++;
        _running[id] = new Attempt(pending, slot, demand, now, oom);
        Push(now + duration, new SimEvent(EventKind.Finish, 0, 0, id));
        return true;
    }

    private void Finish(long id, double now)
    {
        if (!_running.Remove(id, out var attempt))
        {
            return;
        }

        var task = Release(attempt, now);
        _forecaster.Observe(task.Component, task.CpuMillicores, task.MemoryMiB);
        if (attempt.Oom)
        {
            _oomKills++;
            _pending.Add(attempt.Pending with { Ready = now });
            return;
        }

        var run = _runs[attempt.Pending.Run];
        foreach (var child in _children[run.Workflow][attempt.Pending.Task])
        {
            if (--run.WaitingParents[child] == 0)
            {
                _pending.Add(new Pending(attempt.Pending.Run, child, now));
            }
        }

        if (--run.Remaining == 0)
        {
            run.End = now;
        }
    }

    private void NodeDown(int slot, double now)
    {
        foreach (var (id, attempt) in _running.Where(r => r.Value.Slot == slot).ToList())
        {
            _running.Remove(id);
            Release(attempt, now);
            _interrupted++;
            _pending.Add(attempt.Pending with { Ready = now });
        }

        _nodes.SetOnline(slot, false);
    }

    private WfTask Release(Attempt attempt, double now)
    {
        var task = _workflows[_runs[attempt.Pending.Run].Workflow].Tasks[attempt.Pending.Task];
        var elapsed = now - attempt.Start;
        _nodes.Release(attempt.Slot, attempt.Demand);
        _capacityFreed = true;
        _usedCoreSeconds += Math.Min(task.CpuMillicores, attempt.Demand.CpuMillicores) / 1000 * elapsed;
        _usedMemSeconds += Math.Min(task.MemoryMiB, attempt.Demand.MemoryMiB) / 1024 * elapsed;
        _reservedCoreSeconds += attempt.Demand.CpuMillicores / 1000 * elapsed;
        if (_nodes.Tiers[attempt.Slot] == PricingTier.Spot)
        {
            _reservedSpotCoreSeconds += attempt.Demand.CpuMillicores / 1000 * elapsed;
        }

        if (_nodes.AllocationCounts[attempt.Slot] == 0)
        {
            var billed = now - _billStart[attempt.Slot];
            var hourly = (_nodes.CpuPrice[attempt.Slot] * _nodes.CapCpu[attempt.Slot]) + (_nodes.MemPrice[attempt.Slot] * _nodes.CapMem[attempt.Slot]);
            _billedCost += hourly * billed / 3600;
            _billedCoreSeconds += _nodes.CapCpu[attempt.Slot] / 1000 * billed;
            _billedMemSeconds += _nodes.CapMem[attempt.Slot] / 1024 * billed;
        }

        return task;
    }

    private void Push(double time, SimEvent e) => _events.Enqueue(e, (time, _sequence++));
}
