namespace Edge.Models.Forecasting;

/// <summary>
/// How a model did on runs it was not chosen on: per resource, pooled slack % and violation %, and one number to
/// compare models by (<see cref="Cost"/>: lower is better).
/// </summary>
public sealed record EdgeModelScore(IReadOnlyDictionary<ResourceKind, (double SlackPercent, double ViolationPercent)> PerResource, double Cost)
{
    /// <summary>True when this score is strictly better (lower cost) than <paramref name="other"/>.</summary>
    public bool IsBetterThan(EdgeModelScore other) => Cost < other.Cost;
}
