namespace Edge.Agent.Sampling;

/// <summary>Per-second rates of one interface over one sampling interval.</summary>
internal readonly record struct NetDevRates(double RxBytesPerSecond, double RxPacketsPerSecond, double TxBytesPerSecond, double TxPacketsPerSecond);
