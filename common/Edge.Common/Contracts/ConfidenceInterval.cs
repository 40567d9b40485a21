namespace Edge.Common.Contracts;

/// <summary>The interval of a prediction profile: its level (e.g. 0.9) and bounds per resource.</summary>
public sealed record ConfidenceInterval(double Level, IntervalBounds Cpu, IntervalBounds Memory, IntervalBounds NetworkBandwidth);
