namespace Edge.Benchmarks.Placement;

/// <summary>
/// The baseline the benchmark measures the broker against: one object per node in a list, labels in a dictionary,
/// first fit under a lock, allocations in a dictionary. What one writes without thinking about layout.
/// </summary>
internal sealed class NaiveFirstFit
{
    private readonly Lock _lock = new();
    private readonly List<Node> _nodes = [];
    private readonly Dictionary<string, (Node Node, double Cpu, double Mem)> _allocations = new(StringComparer.Ordinal);

    public void AddNode(string id, double cpu, double mem, Dictionary<string, string> labels) => _nodes.Add(new Node(id, cpu, mem, labels));

    public string? Allocate(double cpu, double mem, KeyValuePair<string, string>? label)
    {
        lock (_lock)
        {
            foreach (var node in _nodes)
            {
                if (node.Cpu - node.UsedCpu >= cpu && node.Mem - node.UsedMem >= mem
                    && (label is not { } l || (node.Labels.TryGetValue(l.Key, out var v) && v == l.Value)))
                {
                    node.UsedCpu += cpu;
                    node.UsedMem += mem;
                    var id = Guid.NewGuid().ToString("N");
                    _allocations[id] = (node, cpu, mem);
                    return id;
                }
            }

            return null;
        }
    }

    public void Deallocate(string id)
    {
        lock (_lock)
        {
            if (_allocations.Remove(id, out var a))
            {
                a.Node.UsedCpu -= a.Cpu;
                a.Node.UsedMem -= a.Mem;
            }
        }
    }

    private sealed class Node(string id, double cpu, double mem, Dictionary<string, string> labels)
    {
        public string Id { get; } = id;
        public double Cpu { get; } = cpu;
        public double Mem { get; } = mem;
        public Dictionary<string, string> Labels { get; } = labels;
        public double UsedCpu { get; set; }
        public double UsedMem { get; set; }
    }
}
