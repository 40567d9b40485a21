namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// The inputs mutations start from: the seeds (never evicted) plus inputs that produced an outcome class not seen
/// before (a poor man's coverage feedback). Capped: when full, a random non-seed entry is replaced.
/// </summary>
internal sealed class FuzzCorpus
{
    /// <summary>Inputs larger than this are not kept as seeds (they would make every later mutation slow).</summary>
    public const int MaxEntryBytes = 64 * 1024;

    private readonly List<byte[]> _entries;
    private readonly int _seedCount;
    private readonly int _capacity;

    public FuzzCorpus(IReadOnlyList<byte[]> seeds, int capacity)
    {
        _entries = [.. seeds];
        _seedCount = seeds.Count;
        _capacity = Math.Max(capacity, seeds.Count);
    }

    public int Count => _entries.Count;

    public IReadOnlyList<byte[]> Entries => _entries;

    public byte[] Pick(Random random) => _entries[random.Next(_entries.Count)];

    public void Add(byte[] input, Random random)
    {
        if (input.Length > MaxEntryBytes)
        {
            return;
        }

        if (_entries.Count < _capacity)
        {
            _entries.Add(input);
        }
        else if (_entries.Count > _seedCount)
        {
            _entries[_seedCount + random.Next(_entries.Count - _seedCount)] = input;
        }
    }
}
