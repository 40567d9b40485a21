namespace Edge.Models.Profiling;

/// <summary>
/// The forecaster states of recently predicted components, kept between predictions so that the next one costs an
/// update (the runs recorded since, one at a time, then one decision) instead of a replay of the component's latest
/// runs through fresh states. Bounded: at most <c>capacity</c> components, the least recently used dropped first.
/// An entry is only reused for the same recommender instance (a new model version is a new instance), knob and run
/// window, and while the component's history has only grown at its end (<see cref="WarmEntry.Generation"/>).
/// Thread-safe; an entry's states are used under its own lock.
/// </summary>
internal sealed class WarmStates(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<WarmEntry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<WarmEntry> _order = new();

    public int Capacity { get; } = capacity;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The component's entry (now the most recently used), or null.</summary>
    public WarmEntry? Get(string componentId)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(componentId, out var node))
            {
                return null;
            }

            _order.Remove(node);
            _order.AddFirst(node);
            return node.Value;
        }
    }

    /// <summary>Keeps <paramref name="entry"/> for its component (replacing any), dropping the least recently used beyond the capacity.</summary>
    public void Set(WarmEntry entry)
    {
        if (Capacity <= 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_entries.Remove(entry.ComponentId, out var old))
            {
                _order.Remove(old);
            }

            _entries[entry.ComponentId] = _order.AddFirst(entry);
            while (_entries.Count > Capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _entries.Remove(last.Value.ComponentId);
            }
        }
    }

    public void Remove(string componentId)
    {
        lock (_gate)
        {
            if (_entries.Remove(componentId, out var node))
            {
                _order.Remove(node);
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _order.Clear();
        }
    }
}

/// <summary>
/// One component's warm forecaster states (CPU, memory, network), what they were made with, the last run fed to them
/// and the recommendations of their last decision (reused while no run came since).
/// </summary>
internal sealed class WarmEntry(string componentId, IRecommender recommender, double knob, int maxRuns, long generation, IRecommenderState[] states)
{
    public string ComponentId { get; } = componentId;

    public IRecommender Recommender { get; } = recommender;

    public double Knob { get; } = knob;

    public int MaxRuns { get; } = maxRuns;

    /// <summary>The component's history generation the states follow: it changes when a run is removed or recorded out of order.</summary>
    public long Generation { get; } = generation;

    /// <summary>CPU, memory and network states.</summary>
    public IRecommenderState[] States { get; } = states;

    public Lock Gate { get; } = new();

    /// <summary>Taken by a batch between feeding the states and their decision (<see cref="ComponentProfiler.PredictMany"/>); others replay meanwhile.</summary>
    public bool Busy { get; set; }

    /// <summary>The last run fed to the states (the same instance as in the history).</summary>
    public ComponentRun? LastRun { get; set; }

    /// <summary>Runs fed since the states were created (a replay counts its runs).</summary>
    public int Fed { get; set; }

    /// <summary>The last decision per resource, unbounded (as the states returned it).</summary>
    public Recommendation[] Last { get; } = new Recommendation[3];

    public bool Matches(IRecommender recommender, double knob, int maxRuns, long generation) =>
        ReferenceEquals(Recommender, recommender) && Knob.Equals(knob) && MaxRuns == maxRuns && Generation == generation;
}
