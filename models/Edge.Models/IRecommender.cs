namespace Edge.Models;

/// <summary>
/// A right-sizing recommender with one risk knob (a percentile, a margin or a quantile). Backtests sweep the knob
/// to compare recommenders at matched violation rates.
/// </summary>
public interface IRecommender
{
    /// <summary>Short name used on the command line and in reports, e.g. <c>vpa</c>.</summary>
    string Name { get; }

    /// <summary>What the knob means, e.g. "target percentile".</summary>
    string KnobDescription { get; }

    double DefaultKnob { get; }

    /// <summary>Knob values a sweep tries, from least to most conservative.</summary>
    IReadOnlyList<double> SweepKnobs { get; }

    /// <summary>A fresh state for one series.</summary>
    IRecommenderState CreateState(ResourceKind resource, double knob);
}
