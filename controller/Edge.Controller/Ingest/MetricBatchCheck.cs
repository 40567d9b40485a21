using Edge.Common.Contracts;

namespace Edge.Controller.Ingest;

/// <summary>
/// Checks a decoded batch's header beyond its JSON shape; returns a message naming the offending value, or null.
/// Single samples are checked by <see cref="Nodes.NodeReportGuard"/>, which drops a bad one and keeps the rest.
/// </summary>
internal static class MetricBatchCheck
{
    public static string? Problem(MetricBatch batch)
    {
        if (batch.Sequence < 0)
        {
            return $"sequence {batch.Sequence} is negative";
        }

        if (batch.TimestampMs <= 0)
        {
            return $"timestampMs {batch.TimestampMs} is not a Unix time in ms";
        }

        if (batch.Samples is null)
        {
            return "samples is missing";
        }

        return null;
    }
}
