using Edge.Common.Contracts;

namespace Edge.Controller.Profiles;

/// <summary>
/// The events an operator sees beside a run (<see cref="RunEvent.Shown"/>), kept per running instance from the
/// agents' reports until its run is recorded (<see cref="Take"/>), so that throttling and refused resizes show in the
/// API (the run record, the dashboard's run view) and not only in metrics and logs. In memory: a controller that
/// restarts starts the running instances' lists afresh. Bounded: <see cref="RunRecord.MaxEvents"/> per instance (the
/// latest; counts count all), and <see cref="MaxInstances"/> instances (the one heard from least recently goes first).
/// Thread-safe.
/// </summary>
internal sealed class InstanceEventLog
{
    public const int MaxInstances = 10_000;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _sequence;

    public void Record(string instanceId, NodeEvent e)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(instanceId, out var entry))
            {
                if (_entries.Count >= MaxInstances)
                {
                    _entries.Remove(_entries.MinBy(kv => kv.Value.LastSequence).Key);
                }

                _entries[instanceId] = entry = new Entry();
            }

            entry.LastSequence = ++_sequence;
            entry.Events.Enqueue(RunEvent.From(e));
            if (entry.Events.Count > RunRecord.MaxEvents)
            {
                entry.Events.Dequeue();
            }

            switch (e.Kind)
            {
                case NodeEventKind.InstanceThrottled:
                    entry.Cpu++;
                    break;
                case NodeEventKind.InstanceNetworkThrottled:
                    entry.Network++;
                    break;
                case NodeEventKind.CommandRejected:
                    entry.Refused++;
                    break;
            }
        }
    }

    /// <summary>The instance's events so far (oldest first), without forgetting them; empty when none.</summary>
    public InstanceEvents Peek(string instanceId)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(instanceId, out var entry) ? entry.Snapshot() : InstanceEvents.None;
        }
    }

    /// <summary>The instance's events, and forgets them (its run is being recorded).</summary>
    public InstanceEvents Take(string instanceId)
    {
        lock (_gate)
        {
            return _entries.Remove(instanceId, out var entry) ? entry.Snapshot() : InstanceEvents.None;
        }
    }

    private sealed class Entry
    {
        public Queue<RunEvent> Events { get; } = new();
        public int Cpu;
        public int Network;
        public int Refused;
        public long LastSequence;

        public InstanceEvents Snapshot() => new([.. Events], Cpu, Network, Refused);
    }
}

/// <summary>An instance's kept events (oldest first) and how many of each kind there were in all.</summary>
internal sealed record InstanceEvents(IReadOnlyList<RunEvent> Events, int CpuThrottleEvents, int NetworkThrottleEvents, int ResizesRefused)
{
    public static readonly InstanceEvents None = new([], 0, 0, 0);
}
