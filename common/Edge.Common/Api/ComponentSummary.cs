using Edge.Common.Contracts;

namespace Edge.Common.Api;

/// <summary>
/// <c>GET /api/components/{id}</c>: a component's finished runs and how far its predictions were from them.
/// Errors are relative to what was used: (predicted limit − actual peak) / actual peak, so +0.2 means 20% headroom
/// and a negative value an under-prediction; the mean absolute value is the prediction error.
/// </summary>
public sealed record ComponentSummary(
    string ComponentId,
    int Runs,
    int Succeeded,
    int Failed,
    int OomKilled,
    double? CpuMeanAbsoluteError,
    double? MemoryMeanAbsoluteError,
    double? CpuMeanError,
    double? MemoryMeanError,
    int CpuUnderPredicted,
    int MemoryUnderPredicted,
    PredictionProfile? NextPrediction,
    IReadOnlyList<RunRecord> RecentRuns,
    ForecasterChoice? Forecaster = null);
