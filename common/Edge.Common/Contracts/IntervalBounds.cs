namespace Edge.Common.Contracts;

/// <summary>Lower and upper bound of a prediction interval for one resource.</summary>
public sealed record IntervalBounds(double Lower, double Upper);
