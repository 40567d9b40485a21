using Edge.Models.Forecasting;

namespace Edge.Models;

/// <summary>
/// A recommender whose knob is a violation cost λ (<c>edge</c> and what shares its knob): one sample above the limit
/// costs as much as λ units held idle for one sample. Wrappers that set limits of their own (announced work,
/// <see cref="Signals.SignalAwareRecommender"/>) price their limits with the same λ, so they follow the knob too.
/// </summary>
public interface IViolationCostRecommender : IRecommender
{
    /// <summary>λ in the resource's own unit (cores, MiB, Mbps) for a state created with <paramref name="knob"/>.</summary>
    double ViolationCostFor(ResourceKind resource, double knob) => knob * EdgeRecommender.Unit(resource);
}
