using System.Diagnostics.Metrics;

namespace Edge.Models.Lstm;

/// <summary>Counters of the LSTM forecaster (meter <c>Edge.Models.Lstm</c>).</summary>
internal static class LstmMetrics
{
    private static readonly Meter Meter = new("Edge.Models.Lstm");

    /// <summary>Samples ignored because they were not finite, negative, or not later than the previous one.</summary>
    public static readonly Counter<long> RejectedSamples = Meter.CreateCounter<long>("edge.lstm.samples.rejected");

    /// <summary>Training series skipped because they held a bad value.</summary>
    public static readonly Counter<long> RejectedSeries = Meter.CreateCounter<long>("edge.lstm.series.rejected");

    public static readonly Counter<long> Fits = Meter.CreateCounter<long>("edge.lstm.fits");

    public static readonly Counter<long> Updates = Meter.CreateCounter<long>("edge.lstm.updates");
}
