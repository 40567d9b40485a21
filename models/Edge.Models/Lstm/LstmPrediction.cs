namespace Edge.Models.Lstm;

/// <summary>
/// The model's answer for one series: quantiles (at <see cref="Levels"/>) of the peak over the requested horizon in
/// scaled units, the scale that turns them into the series' unit, and the model's held-out calibration records.
/// </summary>
internal sealed record LstmPrediction(
    IReadOnlyList<double> Levels, double[] Scaled, double Scale, double IntervalLevel, IReadOnlyList<LstmCalibrationRecord> Calibration);
