namespace Edge.Agent.Sampling;

/// <summary>Cumulative counters of one interface from /proc/net/dev.</summary>
internal readonly record struct NetDevCounters(ulong RxBytes, ulong RxPackets, ulong TxBytes, ulong TxPackets)
{
    /// <summary>
    /// Per-second rates between two snapshots <paramref name="seconds"/> apart; false when no time passed or a counter
    /// went backwards (the interface was re-created), so no rate is reported for that interval.
    /// </summary>
    public static bool TryRates(NetDevCounters previous, NetDevCounters current, double seconds, out NetDevRates rates)
    {
        rates = default;
        if (seconds <= 0 || current.RxBytes < previous.RxBytes || current.TxBytes < previous.TxBytes
            || current.RxPackets < previous.RxPackets || current.TxPackets < previous.TxPackets)
        {
            return false;
        }

        rates = new NetDevRates(
            (current.RxBytes - previous.RxBytes) / seconds,
            (current.RxPackets - previous.RxPackets) / seconds,
            (current.TxBytes - previous.TxBytes) / seconds,
            (current.TxPackets - previous.TxPackets) / seconds);
        return true;
    }
}
