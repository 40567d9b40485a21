namespace Edge.Benchmarks.Placement;

/// <summary>What one scorer achieved over the whole simulated trace.</summary>
internal sealed record SimResult(
    string Name,
    double Cost,
    double CpuUtilisation,
    double MemoryUtilisation,
    double MeanWaitSeconds,
    double P95WaitSeconds,
    double MaxWaitSeconds,
    int Tasks,
    int OomKills,
    int Throttled,
    int Interrupted,
    double MeanMakespanHours,
    double SpotShare);
