namespace Edge.Models.Autopilot;

/// <summary>The three moving-window statistics of Autopilot (Rzadca et al., EuroSys 2020, §3.1).</summary>
internal enum AutopilotStatistic
{
    /// <summary>S_avg: exponentially decayed average of the per-window usage.</summary>
    DecayedAverage,

    /// <summary>S_pj: a percentile of the decayed (for CPU, load-adjusted) histogram.</summary>
    Percentile,

    /// <summary>S_max: the maximum of the per-window peaks over a recent window.</summary>
    Max,
}
