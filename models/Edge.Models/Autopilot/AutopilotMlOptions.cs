namespace Edge.Models.Autopilot;

/// <summary>
/// The ML recommender's hyper-parameters (§3.2 names them w_o, w_u, w_ΔL, w_ΔM and d; their values are ours).
/// Underrun is measured relative to the series' running mean usage so one set of weights fits every scale.
/// </summary>
internal sealed record AutopilotMlOptions
{
    public static AutopilotMlOptions Default { get; } = new();

    public IReadOnlyList<double> HalfLivesS { get; init; } = [3600, 6 * 3600, 24 * 3600, 72 * 3600];

    public IReadOnlyList<double> Margins { get; init; } = [0.0, 0.1, 0.25];

    public double OverrunWeight { get; init; } = 5.0;

    public double UnderrunWeight { get; init; } = 1.0;

    public double LimitChangeWeight { get; init; } = 0.05;

    public double ModelChangeWeight { get; init; } = 0.05;

    /// <summary>Half-life of the meta-model's memory of each model's realised cost, in decisions.</summary>
    public double MetaHalfLifeDecisions { get; init; } = 24;
}
