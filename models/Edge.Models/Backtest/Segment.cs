namespace Edge.Models.Backtest;

/// <summary>Which scored samples a metric pools over.</summary>
public enum Segment
{
    /// <summary>Every scored sample.</summary>
    All,

    /// <summary>Samples of series that are not held out, before the held-out days: the part designs may be tuned on.</summary>
    Tuning,

    /// <summary>Samples of the held-out series (other VMs / components), all days.</summary>
    HeldOutSeries,

    /// <summary>Samples in the held-out latest part of the time span, all series.</summary>
    HeldOutTime,
}
