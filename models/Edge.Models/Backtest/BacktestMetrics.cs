namespace Edge.Models.Backtest;

/// <summary>
/// Metrics pooled over scored samples (docs/design.md): slack % = 100·Σmax(L−u,0)/ΣL; violation % = 100·#(u&gt;L)/n;
/// shortfall % = 100·Σmax(u−L,0)/Σu; coverage = share of samples inside the stated interval (NaN when none is stated);
/// reserved and used unit-hours (core-hours, GiB-hours) and the reserved cost at the stated price. Where an interval is
/// stated, the misses are also split by side: <see cref="BelowIntervalPercent"/> + <see cref="AboveIntervalPercent"/> =
/// 100·(1 − coverage), so a coverage off its level says which tail is off (each of the two is aimed at half the miss rate).
/// </summary>
public sealed record BacktestMetrics(
    long Samples,
    double SlackPercent,
    double ViolationPercent,
    double ShortfallPercent,
    double Coverage,
    double IntervalLevel,
    long Violations,
    double ReservedUnitHours,
    double UsedUnitHours,
    double ReservedCost)
{
    /// <summary>Share of the samples with a stated interval that fell below its lower bound, in %; NaN when none is stated.</summary>
    public double BelowIntervalPercent { get; init; } = double.NaN;

    /// <summary>Share of the samples with a stated interval that fell above its upper bound, in %; NaN when none is stated.</summary>
    public double AboveIntervalPercent { get; init; } = double.NaN;
}
