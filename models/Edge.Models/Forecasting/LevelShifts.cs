namespace Edge.Models.Forecasting;

/// <summary>
/// Persistent level shifts of a run series. A run whose peaks all lie outside the previous run's range (the two do not
/// overlap) and whose next run overlaps it but not the run before is a confirmed change point: the new level held
/// (A. Adams, D. MacKay, "Bayesian online changepoint detection", 2007, condition the forecast on the run since the
/// last change). Its scores, taken relative to the old level, then describe a jump that is over, so they are rescaled
/// to the run's own level (divided by the run's level ratio) — the scores of the other runs keep their meaning. A jump
/// that reverts (the next run is back at the old level) is kept as it was: it may come again.
/// </summary>
internal sealed class LevelShifts
{
    private readonly List<(long Run, double Min, double Max, double[] Ratios)> _recent = [];
    private readonly Dictionary<long, double[]> _shifts = [];

    /// <summary>
    /// Records a completed run: its peaks' range and its level ratio for each channel (e.g. mean score). Returns the run
    /// whose shift this run confirmed, or null.
    /// </summary>
    public long? Completed(long run, double min, double max, params double[] ratios)
    {
        _recent.Add((run, min, max, ratios));
        if (_recent.Count > 3)
        {
            _recent.RemoveAt(0);
        }

        if (_recent.Count == 3)
        {
            var (before, shifted, after) = (_recent[0], _recent[1], _recent[2]);
            if (!Overlap(before, shifted) && Overlap(shifted, after) && !Overlap(before, after))
            {
                _shifts[shifted.Run] = shifted.Ratios;
                return shifted.Run;
            }
        }

        return null;
    }

    /// <summary>What scores of <paramref name="run"/> in channel <paramref name="channel"/> are divided by (1: no shift).</summary>
    public double Divisor(long run, int channel) =>
        _shifts.TryGetValue(run, out var r) && channel < r.Length && r[channel] > 0 && double.IsFinite(r[channel]) ? r[channel] : 1;

    private static bool Overlap((long, double Min, double Max, double[]) a, (long, double Min, double Max, double[]) b) =>
        a.Min <= b.Max && b.Min <= a.Max;
}
