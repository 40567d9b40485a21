namespace Edge.Agent.Sampling;

/// <summary>
/// Walks /proc/net/dev without allocating: after two header lines, each line is <c>iface: rx_bytes rx_packets errs
/// drop fifo frame compressed multicast tx_bytes tx_packets ...</c>, per proc_net(5) (the <c>/proc/net/dev</c> entry):
/// https://man7.org/linux/man-pages/man5/proc_net.5.html.
/// </summary>
internal ref struct NetDevParser
{
    private ReadOnlySpan<byte> _rest;

    public NetDevParser(ReadOnlySpan<byte> text)
    {
        _rest = text;
    }

    /// <summary>The next interface line; false at the end. Header and unparsable lines are skipped.</summary>
    public bool MoveNext(out ReadOnlySpan<byte> name, out NetDevCounters counters)
    {
        var rest = _rest;
        while (AsciiText.NextLine(ref rest, out var line))
        {
            _rest = rest;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line.IndexOf((byte)'|') >= 0)
            {
                continue;
            }

            name = line[..colon].Trim((byte)' ');
            counters = default;
            var fields = line[(colon + 1)..];
            if (name.IsEmpty || !TryParseCounters(fields, out counters))
            {
                continue;
            }

            return true;
        }

        _rest = default;
        name = default;
        counters = default;
        return false;
    }

    private static bool TryParseCounters(ReadOnlySpan<byte> fields, out NetDevCounters counters)
    {
        Span<ulong> v = stackalloc ulong[10];
        var count = 0;
        while (count < v.Length && AsciiText.NextUInt64(ref fields, out var value))
        {
            v[count++] = value;
        }

        counters = count == v.Length ? new NetDevCounters(v[0], v[1], v[8], v[9]) : default;
        return count == v.Length;
    }
}
