namespace Edge.Models.Backtest;

/// <summary>
/// Where a series' decisions fall. Regular series: samples before first + warm-up are observed only; then a decision
/// every <see cref="BacktestOptions.StepSamples"/> samples, the last block possibly shorter. Run series (WfInstances):
/// one decision per run (samples sharing a timestamp) before it starts; the first run is the warm-up.
/// </summary>
internal sealed record BlockPlan(int WarmupEnd, IReadOnlyList<(int Start, int End)> Blocks, long HorizonS, double SampleSeconds)
{
    public int Scored => Blocks.Count == 0 ? 0 : Blocks[^1].End - WarmupEnd;

    public static BlockPlan For(UsageSeries series, BacktestOptions options)
    {
        var t = series.TimestampsS;
        var blocks = new List<(int, int)>();
        if (series.SamplesAreRuns)
        {
            var first = 0;
            while (first < t.Length && t[first] == t[0])
            {
                first++;
            }

            for (var s = first; s < t.Length;)
            {
                var e = s;
                while (e < t.Length && t[e] == t[s])
                {
                    e++;
                }

                blocks.Add((s, e));
                s = e;
            }

            return new BlockPlan(first, blocks, 3600, 0);
        }

        var interval = MedianGap(t);
        var warmupEnd = 0;
        while (warmupEnd < t.Length && t[warmupEnd] < t[0] + options.WarmupS)
        {
            warmupEnd++;
        }

        for (var s = warmupEnd; s < t.Length; s += options.StepSamples)
        {
            var end = Math.Min(s + options.StepSamples, t.Length);

            // An announcement inside the block is a decision point (the controller re-decides when work is announced),
            // whether or not a recommender uses it, so that runs with and without signals decide at the same times.
            var from = s;
            foreach (var signal in series.Signals ?? [])
            {
                var at = Array.FindIndex(t, from, end - from, x => x >= signal.AnnouncedAtS);
                if (at > from)
                {
                    blocks.Add((from, at));
                    from = at;
                }
            }

            blocks.Add((from, end));
        }

        return new BlockPlan(warmupEnd, blocks, (long)(interval * options.StepSamples), interval);
    }

    private static double MedianGap(long[] t)
    {
        if (t.Length < 2)
        {
            return 300;
        }

        var gaps = new long[t.Length - 1];
        for (var i = 1; i < t.Length; i++)
        {
            gaps[i - 1] = t[i] - t[i - 1];
        }

        Array.Sort(gaps);
        return Math.Max(gaps[gaps.Length / 2], 1);
    }
}
