using FASTER.core;

namespace Edge.Controller.History;

/// <summary>Hashes <see cref="HistoryKey"/> for the FASTER index (the default struct hash is slow and weak).</summary>
internal sealed class HistoryKeyComparer : IFasterEqualityComparer<HistoryKey>
{
    public static readonly HistoryKeyComparer Instance = new();

    public long GetHashCode64(ref HistoryKey k) =>
        Utility.GetHashCode(((long)k.SeriesId << 32) | (uint)k.Page) ^ Utility.GetHashCode(k.Bucket);

    public bool Equals(ref HistoryKey k1, ref HistoryKey k2) => k1 == k2;
}
