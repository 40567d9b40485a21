namespace Edge.Controller.Workflows;

/// <summary>
/// The specification's projected workflow volume for the next horizon: expected runs per workflow, the average
/// cores and GiB they will hold, and whether the fleet's free capacity covers it.
/// </summary>
internal sealed record VolumeProjection(
    TimeSpan Horizon,
    IReadOnlyDictionary<string, double> ExpectedRuns,
    double ExpectedCores,
    double ExpectedMemoryGiB,
    double FreeCores,
    double FreeMemoryGiB,
    bool Fits,
    string Summary);
