namespace Edge.Models.Forecasting;

/// <summary>How <see cref="PeakChannel"/>'s limit combines with the mean-based limit of <see cref="EdgeState"/>.</summary>
internal enum TailMode
{
    /// <summary>The one with the lower expected cost on its own scores.</summary>
    Cheaper,

    /// <summary>The one whose own past limits had the lower decayed realised cost (idle + λ per sample above).</summary>
    Realized,

    /// <summary>The peak channel's limit only.</summary>
    Only,

    /// <summary>The larger of the two.</summary>
    Max,
}
