namespace Edge.Controller.Placement;

/// <summary>
/// Interns node label pairs (<c>key=value</c>) to bits so that a label constraint is one mask test per node.
/// The first 64 distinct pairs get a bit; later pairs are checked against the node's label dictionary instead.
/// </summary>
internal sealed class LabelIndex
{
    private readonly Dictionary<(string Key, string Value), int> _bits = [];
    private readonly Dictionary<string, SortedSet<string>> _valuesByKey = new(StringComparer.Ordinal);

    /// <summary>Records the node's labels and returns the mask of their bits.</summary>
    public ulong Register(IReadOnlyDictionary<string, string> labels)
    {
        var mask = 0UL;
        foreach (var (key, value) in labels)
        {
            if (!_valuesByKey.TryGetValue(key, out var values))
            {
                values = new SortedSet<string>(StringComparer.Ordinal);
                _valuesByKey[key] = values;
            }

            values.Add(value);
            if (!_bits.TryGetValue((key, value), out var bit) && _bits.Count < 64)
            {
                bit = _bits.Count;
                _bits[(key, value)] = bit;
            }

            if (_bits.TryGetValue((key, value), out bit))
            {
                mask |= 1UL << bit;
            }
        }

        return mask;
    }

    /// <summary>The bit of a pair, or -1 when the pair has none (unknown, or past the first 64).</summary>
    public int BitOf(string key, string value) => _bits.TryGetValue((key, value), out var bit) ? bit : -1;

    /// <summary>True when some node has ever carried the pair.</summary>
    public bool IsKnown(string key, string value) => _valuesByKey.TryGetValue(key, out var values) && values.Contains(value);

    /// <summary>The values seen for a key, for error messages.</summary>
    public IReadOnlyCollection<string> ValuesOf(string key) =>
        _valuesByKey.TryGetValue(key, out var values) ? values : [];
}
