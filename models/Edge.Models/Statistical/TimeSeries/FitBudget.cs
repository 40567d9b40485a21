namespace Edge.Models.Statistical.TimeSeries;

/// <summary>
/// Where a Nelder–Mead fit of one candidate form starts and how long it may run. A cold fit starts from the form's
/// default with a simplex of 0.5 per parameter and its full budget. A warm fit — the same series refitted after one
/// more run, whose optimum moves little — starts from the previous fit's optimum of that form (clamped to
/// ±<see cref="MaxWarmStart"/>) with a simplex of <see cref="WarmStep"/> and <see cref="WarmShare"/> of the budget (at
/// least <see cref="WarmMinEvaluations"/> per parameter). The fits are most of a warm ets/sarima prediction's cost
/// (docs/forecasting.md, "Warm states"); on run series refitted run after run, the warm fits' AICc stayed within 0.13
/// of full cold fits' (TimeSeriesFitTests).
/// </summary>
internal static class FitBudget
{
    public const double ColdStep = 0.5;

    public const double WarmStep = 0.25;

    /// <summary>Largest magnitude of a warm start's unconstrained parameter (the logistic of 3 is 0.95, tanh 3 is 0.995).</summary>
    public const double MaxWarmStart = 3;

    public const double WarmShare = 0.125;

    public const int WarmMinEvaluations = 8;

    public static (double[] Start, double Step, int Evaluations) For(IReadOnlyList<double[]?>? warm, int form, double[] coldStart, int coldEvaluations)
    {
        if (warm is not null && form < warm.Count && warm[form] is { } previous && previous.Length == coldStart.Length && Array.TrueForAll(previous, double.IsFinite))
        {
            var evaluations = Math.Max((int)(coldEvaluations * WarmShare), WarmMinEvaluations * coldStart.Length);
            // Clamped: an optimum far out where the parameter map saturates (a smoothing weight at 0 or 1, a
            // coefficient at ±1) is flat, and a small simplex started there cannot leave it when the optimum moves.
            return (Array.ConvertAll(previous, v => Math.Clamp(v, -MaxWarmStart, MaxWarmStart)), WarmStep, evaluations);
        }

        return (coldStart, ColdStep, coldEvaluations);
    }
}
