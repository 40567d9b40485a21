namespace Edge.Controller.Workflows;

/// <summary>
/// The specification's projected workflow volume for the next horizon: expected runs per workflow, the average
/// cores and GiB they will hold, whether the fleet's free capacity covers it, and by how much it falls short
/// (<see cref="ShortfallCores"/>, <see cref="ShortfallMemoryGiB"/>: the capacity to add, or to free, before the
/// arrivals; 0 when it fits).
/// </summary>
internal sealed record VolumeProjection(
    TimeSpan Horizon,
    IReadOnlyDictionary<string, double> ExpectedRuns,
    double ExpectedCores,
    double ExpectedMemoryGiB,
    double FreeCores,
    double FreeMemoryGiB,
    bool Fits,
    string Summary)
{
    /// <summary>Projected cores beyond the free ones (0 when they fit).</summary>
    public double ShortfallCores => Math.Max(0, ExpectedCores - FreeCores);

    /// <summary>Projected GiB beyond the free ones (0 when they fit).</summary>
    public double ShortfallMemoryGiB => Math.Max(0, ExpectedMemoryGiB - FreeMemoryGiB);
}
