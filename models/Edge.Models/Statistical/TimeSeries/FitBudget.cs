namespace Edge.Models.Statistical.TimeSeries;

/// <summary>
/// Where a Nelder–Mead fit of one candidate form starts and how long it may run. A cold fit starts from the form's
/// default with a simplex of 0.5 per parameter and its full budget. A warm fit — the same series refitted after one
/// more run, whose optimum moves little — starts from the previous fit's optimum of that form with a simplex of
/// <see cref="WarmStep"/> and <see cref="WarmShare"/> of the budget (at least <see cref="WarmMinEvaluations"/>
/// per parameter). Profiled on the controller's run series (docs/forecasting.md, "Warm states"): the fits were about
/// all of a warm ets/sarima prediction's cost.
/// </summary>
internal static class FitBudget
{
    public const double ColdStep = 0.5;

    public const double WarmStep = 0.1;

    public const double WarmShare = 0.25;

    public const int WarmMinEvaluations = 10;

    public static (double[] Start, double Step, int Evaluations) For(IReadOnlyList<double[]?>? warm, int form, double[] coldStart, int coldEvaluations)
    {
        if (warm is not null && form < warm.Count && warm[form] is { } previous && previous.Length == coldStart.Length && Array.TrueForAll(previous, double.IsFinite))
        {
            var evaluations = Math.Max((int)(coldEvaluations * WarmShare), WarmMinEvaluations * coldStart.Length);
            return ((double[])previous.Clone(), WarmStep, evaluations);
        }

        return (coldStart, ColdStep, coldEvaluations);
    }
}
