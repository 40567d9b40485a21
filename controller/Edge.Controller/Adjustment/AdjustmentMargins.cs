using Edge.Common.Contracts;

namespace Edge.Controller.Adjustment;

/// <summary>
/// How far above its observed need a change sets an instance's limits, per resource, as a share of the need.
/// Derived from the forecast interval the instance was placed with: the interval's relative spread
/// (upper − lower) / (upper + lower) — its half-width over its midpoint — is how much a run of this component is
/// expected to differ from the forecast, clamped to [<see cref="AdjusterOptions.MinMargin"/>,
/// <see cref="AdjusterOptions.MaxMargin"/>]. An interval that says nothing (level 0, as the fallback's; bounds missing
/// or not above one another) gives the largest margin.
/// </summary>
/// <param name="Cpu">CPU's margin.</param>
/// <param name="Memory">Memory's margin.</param>
/// <param name="Network">Network's margin (the default is <see cref="AdjusterOptions.MaxMargin"/>'s).</param>
internal sealed record AdjustmentMargins(double Cpu, double Memory, double Network = 0.5)
{
    public static AdjustmentMargins Widest(AdjusterOptions options) => new(options.MaxMargin, options.MaxMargin, options.MaxMargin);

    public static AdjustmentMargins From(PredictionProfile? profile, AdjusterOptions options)
    {
        if (profile?.ConfidenceInterval is not { Level: > 0 } interval)
        {
            return Widest(options);
        }

        return new AdjustmentMargins(Of(interval.Cpu, options), Of(interval.Memory, options), Of(interval.NetworkBandwidth, options));
    }

    internal static double Of(IntervalBounds? bounds, AdjusterOptions options)
    {
        if (bounds is null || !double.IsFinite(bounds.Lower) || !double.IsFinite(bounds.Upper) || bounds.Upper <= 0 || bounds.Upper <= bounds.Lower)
        {
            return options.MaxMargin;
        }

        var lower = Math.Max(0, bounds.Lower);
        var spread = (bounds.Upper - lower) / (bounds.Upper + lower);
        return Math.Clamp(spread, options.MinMargin, options.MaxMargin);
    }
}
