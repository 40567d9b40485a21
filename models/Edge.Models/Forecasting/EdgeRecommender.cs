namespace Edge.Models.Forecasting;

/// <summary>
/// <c>edge</c>, Edge's default: a per-series conformal forecast of the coming window's usage. The base level is the
/// mean of the last 15 minutes; recent normalised residuals (usage / base in force) give the distribution of the
/// coming usage; the limit is the point of that distribution with the least expected idle reservation plus λ per
/// sample above it (the knob λ, in cores, GiB or 100 Mbps). A 90% interval comes from the same scores with each tail's
/// miss rate adapted online (<see cref="AdaptiveQuantile"/>). Design and measurements: docs/forecasting.md.
/// </summary>
internal sealed class EdgeRecommender(EdgeOptions options, string name = "edge", EdgeModel? model = null) : IViolationCostRecommender
{
    public EdgeRecommender()
        : this(EdgeOptions.Default)
    {
    }

    public string Name => name;

    public string KnobDescription => "violation cost λ: one sample above the limit costs as much as λ idle cores (CPU), GiB (memory) or 100 Mbps (network)";

    public double DefaultKnob => EdgeModel.DefaultViolationCost;

    public IReadOnlyList<double> SweepKnobs { get; } = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 10, 20, 50, 100, 300, 1000, 3000, 10000, 30000, 100000, 300000];

    /// <summary>The saved model whose λ per resource this recommender uses (null: λ = the knob).</summary>
    public EdgeModel? Model => model;

    public IRecommenderState CreateState(ResourceKind resource, double knob)
    {
        var memory = resource == ResourceKind.Memory;
        return new EdgeState(
            options,
            ViolationCost(resource, knob) * Unit(resource),
            memory ? options.MemoryFloorMiB : 0,
            memory ? options.MemoryPeakWindowS : 0,
            memory ? options.MemoryTailWindowS : 0,
            options.MemoryTailMode);
    }

    public double ViolationCostFor(ResourceKind resource, double knob) => ViolationCost(resource, knob) * Unit(resource);

    /// <summary>λ for <paramref name="resource"/>: the knob, or the model's λ scaled by knob / default knob.</summary>
    internal double ViolationCost(ResourceKind resource, double knob) =>
        model is null ? knob : model.CostFor(resource) * knob / EdgeModel.DefaultViolationCost;

    /// <summary>The resource unit λ is counted in: 1 core, 1 GiB (1024 MiB), 100 Mbps.</summary>
    internal static double Unit(ResourceKind resource) => resource switch
    {
        ResourceKind.Memory => 1024,
        ResourceKind.Network => 100,
        _ => 1,
    };
}
