using Edge.Common.Contracts;

namespace Edge.Controller.Ingest;

/// <summary>Checks a decoded batch beyond its JSON shape; returns a message naming the offending value, or null.</summary>
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

        for (var i = 0; i < batch.Samples.Count; i++)
        {
            var sample = batch.Samples[i];
            if (sample is null || string.IsNullOrEmpty(sample.Scope) || string.IsNullOrEmpty(sample.Metric))
            {
                return $"samples[{i}] has an empty scope or metric";
            }

            if (!double.IsFinite(sample.Value))
            {
                return $"samples[{i}] ({sample.Scope} {sample.Metric}) has value {sample.Value}";
            }
        }

        return null;
    }
}
