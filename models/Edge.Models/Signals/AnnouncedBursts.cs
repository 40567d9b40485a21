namespace Edge.Models.Signals;

/// <summary>
/// Synthesises announced work on a trace that has none: the bursts of each series (samples above twice the median of
/// the previous day and at least <see cref="MinJump"/> above it, gaps up to 30 minutes merged) become
/// <see cref="WorkSignal"/>s announced <c>leadS</c> before each burst starts, ending
/// <see cref="EndPaddingS"/> after its last burst sample, with a volume proportional to the burst's peak times
/// log-normal noise (σ = <see cref="VolumeNoise"/>, seeded by the series id and the start, so runs repeat), in an
/// arbitrary unit (<see cref="VolumeUnit"/> per resource unit): a forecaster has to learn what a unit of volume means.
/// This is what a job scheduler announcing its batch runs a few minutes ahead would send.
/// </summary>
public static class AnnouncedBursts
{
    public const double VolumeNoise = 0.15;
    public const double VolumeUnit = 0.037;
    public const long EndPaddingS = 900;
    private const long BaselineS = 86_400;
    private const long MergeGapS = 1_800;

    /// <summary>Minimum jump above the baseline: 1 GiB for memory (MiB), 1 core for CPU, 100 Mbps for network.</summary>
    public static double MinJump(ResourceKind resource) => resource switch
    {
        ResourceKind.Memory => 1024,
        ResourceKind.Cpu => 1,
        _ => 100,
    };

    /// <summary>The series with its synthesised announcements attached (<see cref="UsageSeries.Signals"/>); run series unchanged.</summary>
    public static UsageSeries Attach(UsageSeries series, long leadS)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series.SamplesAreRuns ? series : series with { Signals = Detect(series, leadS) };
    }

    public static IReadOnlyList<WorkSignal> Detect(UsageSeries series, long leadS)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfNegative(leadS);
        var t = series.TimestampsS;
        var u = series.Values;
        var jump = MinJump(series.Resource);
        var signals = new List<WorkSignal>();
        var window = new List<double>();
        var windowStart = 0;
        int? burstStart = null;
        var burstEnd = 0;
        var burstPeak = 0.0;
        for (var i = 0; i < t.Length; i++)
        {
            while (windowStart < i && t[windowStart] < t[i] - BaselineS)
            {
                windowStart++;
            }

            // A day of history before a burst can be told from the baseline.
            var inBurst = false;
            if (t[i] - t[0] >= BaselineS && i - windowStart >= 12)
            {
                window.Clear();
                for (var k = windowStart; k < i; k++)
                {
                    window.Add(u[k]);
                }

                window.Sort();
                var median = window[window.Count / 2];
                inBurst = u[i] > 2 * median && u[i] - median >= jump;
            }

            if (inBurst)
            {
                if (burstStart is not null && t[i] - t[burstEnd] > MergeGapS)
                {
                    signals.Add(Signal(series, t[burstStart.Value], t[burstEnd], burstPeak, leadS, t));
                    burstStart = null;
                }

                if (burstStart is null)
                {
                    burstStart = i;
                    burstPeak = 0;
                }

                burstEnd = i;
                burstPeak = Math.Max(burstPeak, u[i]);
            }
        }

        if (burstStart is not null)
        {
            signals.Add(Signal(series, t[burstStart.Value], t[burstEnd], burstPeak, leadS, t));
        }

        return signals;
    }

    private static WorkSignal Signal(UsageSeries series, long startS, long lastS, double peak, long leadS, long[] t)
    {
        var random = new Random(HashCode(series.Id, startS));
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var volume = peak * VolumeUnit * Math.Exp(VolumeNoise * normal);

        // The burst is announced leadS ahead, never before the trace starts.
        return new WorkSignal(Math.Max(t[0], startS - leadS), startS, lastS + EndPaddingS, volume);
    }

    /// <summary>FNV-1a over the id and the start, stable across runs and platforms.</summary>
    private static int HashCode(string id, long startS)
    {
        var hash = 2166136261u;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (uint)((startS >> (8 * i)) & 0xff)) * 16777619u;
        }

        return (int)(hash & 0x7fffffff);
    }
}
