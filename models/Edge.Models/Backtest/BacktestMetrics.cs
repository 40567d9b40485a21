namespace Edge.Models.Backtest;

/// <summary>
/// Metrics pooled over scored samples (docs/design.md): slack % = 100·Σmax(L−u,0)/ΣL; violation % = 100·#(u&gt;L)/n;
/// shortfall % = 100·Σmax(u−L,0)/Σu; coverage = share of samples inside the stated interval (NaN when none is stated);
/// reserved and used unit-hours (core-hours, GiB-hours) and the reserved cost at the stated price.
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
    double ReservedCost);
