namespace Edge.Models.Lstm;

/// <summary>
/// Turns the last samples of a series into the network's input: per window (oldest first) the peak and mean divided
/// by the series scale, and the time of day and day of week of the window's last sample as sine/cosine pairs.
/// The scale is the mean of the context's window peaks (per-series mean scaling, as in DeepAR: Salinas et al.,
/// "DeepAR: Probabilistic forecasting with autoregressive recurrent networks", IJF 2020), so one global network
/// serves series of any size and unit.
/// </summary>
internal static class WindowFeatures
{
    public const int Count = 6;

    private const double SecondsPerDay = 86_400;

    /// <summary>
    /// Writes <paramref name="windows"/> x <see cref="Count"/> features for the windows that end at the last of the
    /// given samples and returns the scale. With fewer samples than the context holds, the oldest available window is
    /// repeated in front. The spans must be non-empty and of equal length.
    /// </summary>
    public static double Fill(ReadOnlySpan<double> values, ReadOnlySpan<long> timestampsS, int windowSamples, int windows, Span<float> destination)
    {
        Span<double> peaks = windows <= 256 ? stackalloc double[windows] : new double[windows];
        Span<double> means = windows <= 256 ? stackalloc double[windows] : new double[windows];
        Span<long> ends = windows <= 256 ? stackalloc long[windows] : new long[windows];
        var n = values.Length;
        var filled = 0;
        for (var w = windows - 1; w >= 0; w--)
        {
            var end = n - ((windows - 1 - w) * windowSamples);
            if (end <= 0)
            {
                peaks[w] = peaks[w + 1];
                means[w] = means[w + 1];
                ends[w] = ends[w + 1] - (long)(windowSamples * EstimateIntervalS(timestampsS));
                continue;
            }

            var start = Math.Max(0, end - windowSamples);
            double peak = double.MinValue, sum = 0;
            for (var i = start; i < end; i++)
            {
                peak = Math.Max(peak, values[i]);
                sum += values[i];
            }

            peaks[w] = peak;
            means[w] = sum / (end - start);
            ends[w] = timestampsS[end - 1];
            filled++;
        }

        double scale = 0;
        for (var w = windows - filled; w < windows; w++)
        {
            scale += peaks[w];
        }

        scale /= filled;
        if (!(scale > 1e-9))
        {
            scale = 1;
        }

        for (var w = 0; w < windows; w++)
        {
            var row = destination.Slice(w * Count, Count);
            row[0] = (float)(peaks[w] / scale);
            row[1] = (float)(means[w] / scale);
            WriteTime(ends[w], row[2..]);
        }

        return scale;
    }

    /// <summary>Median-free estimate of the sampling interval: the mean gap, 300 s when it cannot be told.</summary>
    public static double EstimateIntervalS(ReadOnlySpan<long> timestampsS)
    {
        if (timestampsS.Length < 2)
        {
            return 300;
        }

        var gap = (double)(timestampsS[^1] - timestampsS[0]) / (timestampsS.Length - 1);
        return gap > 0 ? gap : 300;
    }

    private static void WriteTime(long timestampS, Span<float> row)
    {
        var day = Math.Floor(timestampS / SecondsPerDay);
        var timeOfDay = (timestampS - (day * SecondsPerDay)) / SecondsPerDay;
        var dayOfWeek = (((day % 7) + 7) % 7) / 7.0;
        row[0] = (float)Math.Sin(2 * Math.PI * timeOfDay);
        row[1] = (float)Math.Cos(2 * Math.PI * timeOfDay);
        row[2] = (float)Math.Sin(2 * Math.PI * dayOfWeek);
        row[3] = (float)Math.Cos(2 * Math.PI * dayOfWeek);
    }
}
