namespace Edge.Models.Lstm;

/// <summary>
/// Training examples cut from many series at every window boundary, built lazily batch by batch so that memory holds
/// the series and the example indices only. The latest examples of each series are held out in time order.
/// </summary>
internal sealed class TrainingSet
{
    private readonly LstmOptions _options;
    private float[] _inputs = [];
    private float[] _targets = [];

    public TrainingSet(IReadOnlyList<UsageSeries> series, LstmOptions options)
    {
        Series = series;
        _options = options;
        var horizonSamples = options.HorizonWindows * options.WindowSamples;
        for (var s = 0; s < series.Count; s++)
        {
            var n = series[s].Count;
            var first = n >= options.ContextSamples + horizonSamples ? options.ContextSamples : options.WindowSamples;
            var cuts = new List<int>();
            for (var cut = first; cut + horizonSamples <= n; cut += options.WindowSamples)
            {
                cuts.Add(cut);
            }

            var held = (int)Math.Floor(cuts.Count * options.HoldoutFraction);
            foreach (var cut in cuts.Take(cuts.Count - held))
            {
                Train.Add(new TrainingExample(s, cut));
            }

            foreach (var cut in cuts.Skip(cuts.Count - held))
            {
                Holdout.Add(new TrainingExample(s, cut));
            }
        }
    }

    public IReadOnlyList<UsageSeries> Series { get; }

    public List<TrainingExample> Train { get; } = [];

    public List<TrainingExample> Holdout { get; } = [];

    public int InputWidth => _options.ContextWindows * WindowFeatures.Count;

    public int TargetWidth => _options.HorizonWindows;

    /// <summary>Writes the scaled inputs and (clipped) scaled targets of <paramref name="batch"/>.</summary>
    public void Fill(ReadOnlySpan<TrainingExample> batch, float[] inputs, float[] targets)
    {
        var ws = _options.WindowSamples;
        for (var b = 0; b < batch.Length; b++)
        {
            var (s, cut) = batch[b];
            var series = Series[s];
            var start = Math.Max(0, cut - _options.ContextSamples);
            var scale = WindowFeatures.Fill(
                series.Values.AsSpan(start, cut - start), series.TimestampsS.AsSpan(start, cut - start), ws,
                _options.ContextWindows, inputs.AsSpan(b * InputWidth, InputWidth));
            for (var h = 0; h < _options.HorizonWindows; h++)
            {
                var peak = double.MinValue;
                for (var i = cut + (h * ws); i < cut + ((h + 1) * ws); i++)
                {
                    peak = Math.Max(peak, series.Values[i]);
                }

                targets[(b * TargetWidth) + h] = (float)Math.Min(peak / scale, _options.MaxScaledTarget);
            }
        }
    }

    /// <summary>
    /// Input and target buffers for a batch of <paramref name="count"/>, reused while the size stays the same: a batch
    /// of inputs is above the large-object threshold, and allocating one per batch let RSS climb by hundreds of MiB
    /// between the gen-2 collections.
    /// </summary>
    public (float[] Inputs, float[] Targets) Buffers(int count)
    {
        if (_inputs.Length != count * InputWidth)
        {
            _inputs = new float[count * InputWidth];
            _targets = new float[count * TargetWidth];
        }

        return (_inputs, _targets);
    }

    /// <summary>First and last timestamp over all series (0, 0 when empty).</summary>
    public (long From, long To) DataWindow()
    {
        var withData = Series.Where(s => s.Count > 0).ToList();
        return withData.Count == 0 ? (0, 0) : (withData.Min(s => s.TimestampsS[0]), withData.Max(s => s.TimestampsS[^1]));
    }
}
