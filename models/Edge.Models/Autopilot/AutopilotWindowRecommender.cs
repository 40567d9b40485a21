namespace Edge.Models.Autopilot;

/// <summary>
/// Autopilot's moving-window recommender (Rzadca et al., EuroSys 2020, §3.1) for one statistic: the limit is
/// (1 + margin) · S, with S the decayed average, the (load-adjusted) percentile or the recent maximum. The knob is the
/// margin. Names: <c>autopilot-avg</c>, <c>autopilot-pct</c>, <c>autopilot-max</c>.
/// </summary>
internal sealed class AutopilotWindowRecommender(AutopilotStatistic statistic) : IRecommender
{
    public string Name => statistic switch
    {
        AutopilotStatistic.DecayedAverage => "autopilot-avg",
        AutopilotStatistic.Percentile => "autopilot-pct",
        _ => "autopilot-max",
    };

    public string KnobDescription => "safety margin m: limit = (1 + m) · statistic";

    public double DefaultKnob => AutopilotDefaults.DefaultMargin;

    public IReadOnlyList<double> SweepKnobs { get; } = statistic == AutopilotStatistic.DecayedAverage
        ? [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0]
        : [-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.5, 0.75];

    public IRecommenderState CreateState(ResourceKind resource, double knob) =>
        new AutopilotWindowState(statistic, resource, knob);
}
