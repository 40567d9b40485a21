namespace Edge.Models.Lstm;

/// <summary>One series' pending forward pass: the model, its input block [windows, features], the series scale and window length.</summary>
internal sealed record LstmForward(QuantileLstmModel Model, float[] Features, double Scale, double WindowS);
