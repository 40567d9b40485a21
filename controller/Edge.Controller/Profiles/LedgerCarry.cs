namespace Edge.Controller.Profiles;

/// <summary>
/// A feedback ledger line that carries the totals of runs compaction folded away (one per component). Written as
/// <c>{"carried":{...}}</c>, so a reader tells it from a <see cref="RunRecord"/> line by its first property.
/// </summary>
internal sealed record LedgerCarry(RunTotals Carried)
{
    /// <summary>How every carry line starts (the source-generated writer puts the only property first).</summary>
    public const string Prefix = "{\"carried\":";
}
