namespace Edge.Models;

/// <summary>
/// What a recommender says about the next horizon: the limit to set at its risk knob, the point forecast,
/// and an interval at <see cref="Level"/> (e.g. 0.9) around the forecast.
/// </summary>
public readonly record struct Recommendation(double Limit, double Forecast, double Lower, double Upper, double Level);
