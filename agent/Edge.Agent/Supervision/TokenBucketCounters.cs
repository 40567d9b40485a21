using System.Globalization;

namespace Edge.Agent.Supervision;

/// <summary>
/// An instance's two token buckets' counters (tc-tbf(8) statistics): packets dropped and times a packet found no
/// token (overlimits), on its egress (<c>Tx</c>: the instance end of its veth) and ingress (<c>Rx</c>: the host end).
/// They start at 0 when the queue discipline is created or replaced.
/// </summary>
internal readonly record struct TokenBucketCounters(long TxDropped, long TxOverlimits, long RxDropped, long RxOverlimits)
{
    public bool Any => TxDropped + TxOverlimits + RxDropped + RxOverlimits > 0;

    /// <summary>
    /// What grew since <paramref name="before"/>; a counter below its earlier value was reset (the queue discipline
    /// was replaced) and counts from 0.
    /// </summary>
    public TokenBucketCounters Since(TokenBucketCounters before) => new(
        Grew(TxDropped, before.TxDropped), Grew(TxOverlimits, before.TxOverlimits), Grew(RxDropped, before.RxDropped), Grew(RxOverlimits, before.RxOverlimits));

    /// <summary>
    /// The drops and overlimits of the first statistics line of <c>tc -s qdisc show dev {if}</c>
    /// (" Sent 1514 bytes 1 pkt (dropped 0, overlimits 3 requeues 0)"); null when the output has none.
    /// </summary>
    public static (long Dropped, long Overlimits)? Parse(string tcOutput)
    {
        var sent = tcOutput.IndexOf(" Sent ", StringComparison.Ordinal);
        if (sent < 0)
        {
            return null;
        }

        var line = tcOutput.AsSpan(sent);
        var end = line.IndexOf('\n');
        line = end < 0 ? line : line[..end];
        return Number(line, "dropped ") is { } dropped && Number(line, "overlimits ") is { } overlimits ? (dropped, overlimits) : null;
    }

    private static long? Number(ReadOnlySpan<char> line, string label)
    {
        var at = line.IndexOf(label, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var digits = line[(at + label.Length)..];
        var length = 0;
        while (length < digits.Length && char.IsAsciiDigit(digits[length]))
        {
            length++;
        }

        return long.TryParse(digits[..length], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static long Grew(long now, long before) => now >= before ? now - before : now;
}
