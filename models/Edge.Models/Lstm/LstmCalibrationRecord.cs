namespace Edge.Models.Lstm;

/// <summary>
/// One held-out outcome of training: the realised peak of the next window and the predicted quantiles, both in scaled
/// units. New series seed their conformal calibration with these until they have scores of their own.
/// </summary>
public sealed record LstmCalibrationRecord(float Target, float[] Quantiles);
