namespace Edge.Models.Autopilot;

/// <summary>
/// Autopilot's ML recommender (Rzadca et al., EuroSys 2020, §3.2): an ensemble of models, each a (decay, margin)
/// pair that picks the limit minimising a decayed cost of overrun (samples above the limit), underrun (reserved but
/// unused) and change; a meta-model picks, at each decision, the model whose recent realised cost is lowest, with a
/// penalty for switching models. The paper does not publish its weights; the values here are Edge's
/// (<see cref="AutopilotMlOptions"/>). The knob is an extra margin m on the chosen limit: (1 + m) · L.
/// </summary>
internal sealed class AutopilotMlRecommender : IRecommender
{
    public string Name => "autopilot-ml";

    public string KnobDescription => "extra margin m on the ensemble's chosen limit: (1 + m) · L";

    public double DefaultKnob => 0.0;

    public IReadOnlyList<double> SweepKnobs { get; } = [-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.5, 0.75];

    public IRecommenderState CreateState(ResourceKind resource, double knob) =>
        new AutopilotMlState(AutopilotMlOptions.Default, knob);
}
