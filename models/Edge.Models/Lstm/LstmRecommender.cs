namespace Edge.Models.Lstm;

/// <summary>
/// <c>lstm</c>: a global TorchSharp LSTM per resource, trained across many series, predicting quantiles of the next
/// windows' usage peak with a pinball loss. The knob is the quantile used as the limit (interpolated between trained
/// levels); limits and intervals are conformally corrected per series. Starts with the default model shipped in the
/// assembly (trained on a Bitbrains sample), so it predicts before any <see cref="Fit"/>.
/// Thread-safe: states of many series may predict in parallel; fits, updates and loads swap or change the models
/// under a write lock.
/// </summary>
internal sealed class LstmRecommender : ITrainableRecommender, IForwardBatchRecommender, IDisposable
{
    public const string RecommenderName = "lstm";

    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<ResourceKind, QuantileLstmModel> _models = [];
    private readonly Dictionary<ResourceKind, IReadOnlyList<UsageSeries>> _history = [];

    /// <param name="options">Settings of future fits; loaded models keep the settings they were built with.</param>
    /// <param name="loadDefault">Loads the shipped default model (false: no model until <see cref="Fit"/> or a load).</param>
    public LstmRecommender(LstmOptions? options = null, bool loadDefault = true)
    {
        Options = options ?? new LstmOptions();
        Options.ThrowIfInvalid();
        if (loadDefault)
        {
            Replace(LstmDefaultModel.Load());
        }
    }

    public LstmOptions Options { get; }

    public string Name => RecommenderName;

    internal const string KnobText = "quantile of the next window's peak used as the limit";

    internal const double DefaultKnobValue = 0.95;

    internal static readonly IReadOnlyList<double> SweepKnobValues = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995];

    public string KnobDescription => KnobText;

    public double DefaultKnob => DefaultKnobValue;

    public IReadOnlyList<double> SweepKnobs => SweepKnobValues;

    public IRecommenderState CreateState(ResourceKind resource, double knob)
    {
        if (!(knob > 0 && knob < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(knob), knob, "The lstm knob is a quantile level in (0, 1).");
        }

        var context = Options.ContextSamples;
        _lock.EnterReadLock();
        try
        {
            context = _models.Values.Select(m => m.Options.ContextSamples).Append(context).Max();
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return new LstmState(this, resource, knob, context);
    }

    /// <summary>Trains a fresh model for each resource present in <paramref name="training"/> and swaps it in.</summary>
    public void Fit(IReadOnlyList<UsageSeries> training, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(training);
        var groups = LstmSeriesCheck.Usable(training).GroupBy(s => s.Resource).ToList();
        if (groups.Count == 0)
        {
            throw new ArgumentException("No usable training series (all empty or holding bad values).", nameof(training));
        }

        for (var g = 0; g < groups.Count; g++)
        {
            var offset = (double)g / groups.Count;
            var part = progress is null ? null : new Progress<double>(p => progress.Report(offset + (p / groups.Count)));
            var series = groups[g].ToList();
            var model = QuantileLstmTrainer.Fit(series, groups[g].Key, Options, part, cancellationToken);
            Replace([model]);
            _lock.EnterWriteLock();
            try
            {
                _history[groups[g].Key] = series;
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            LstmMetrics.Fits.Add(1);
        }

        progress?.Report(1);
    }

    /// <summary>
    /// Online update from recent data: a few gradient steps on the latest windows of <paramref name="recent"/>.
    /// <paramref name="learningRate"/> in (0, 1] weighs the new data against history (the series of the last fit,
    /// replayed) and scales the step size. Returns the number of new examples used.
    /// </summary>
    public int Update(IReadOnlyList<UsageSeries> recent, double learningRate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recent);
        var used = 0;
        foreach (var group in LstmSeriesCheck.Usable(recent).GroupBy(s => s.Resource))
        {
            _lock.EnterWriteLock();
            try
            {
                if (_models.TryGetValue(group.Key, out var model))
                {
                    _history.TryGetValue(group.Key, out var history);
                    used += QuantileLstmTrainer.Update(model, [.. group], history, learningRate, cancellationToken);
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }

        LstmMetrics.Updates.Add(1);
        return used;
    }

    /// <summary>Saves each resource's model as {resource}.pt + {resource}.json in <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        _lock.EnterReadLock();
        try
        {
            foreach (var (resource, model) in _models)
            {
                model.Save(directory, FileName(resource));
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Loads every model saved in <paramref name="directory"/>, replacing the ones of the same resources.</summary>
    public void Load(string directory)
    {
        var models = Enum.GetValues<ResourceKind>()
            .Where(r => File.Exists(Path.Combine(directory, FileName(r) + ".json")))
            .Select(r => QuantileLstmModel.Load(directory, FileName(r)))
            .ToList();
        if (models.Count == 0)
        {
            throw new FileNotFoundException($"No LSTM model ({string.Join(", ", Enum.GetValues<ResourceKind>().Select(FileName))}.json) in {directory}.");
        }

        Replace(models);
    }

    /// <summary>The manifest of the model serving <paramref name="resource"/>, or null when there is none.</summary>
    public LstmModelManifest? ManifestFor(ResourceKind resource) => WithModel(resource, m => m.Manifest, throwIfMissing: false);

    /// <summary>Batched forecast of many series of one resource (one forward pass); see <see cref="QuantileLstmModel.Forecast"/>.</summary>
    public double[][] Forecast(ResourceKind resource, IReadOnlyList<UsageSeries> series) =>
        WithModel(resource, m => m.Forecast(series), throwIfMissing: true)!;

    internal LstmPrediction Predict(ResourceKind resource, ReadOnlySpan<double> values, ReadOnlySpan<long> timestampsS, long horizonS)
    {
        _lock.EnterReadLock();
        try
        {
            var model = ModelFor(resource) ?? throw NoModel(resource);
            var forward = Prepare(model, values, timestampsS);
            return Complete(forward, model.PredictOne(forward.Features), horizonS);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// The input of the forward pass <see cref="Predict"/> would make (the model, its feature block, the scale), for a
    /// caller that runs the passes of many series in one batch (<see cref="ForwardBatch.Run"/>) and then calls
    /// <see cref="Complete"/> with the output.
    /// </summary>
    internal LstmForward PrepareForward(ResourceKind resource, ReadOnlySpan<double> values, ReadOnlySpan<long> timestampsS)
    {
        _lock.EnterReadLock();
        try
        {
            return Prepare(ModelFor(resource) ?? throw NoModel(resource), values, timestampsS);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private static LstmForward Prepare(QuantileLstmModel model, ReadOnlySpan<double> values, ReadOnlySpan<long> timestampsS)
    {
        var o = model.Options;
        var start = Math.Max(0, values.Length - o.ContextSamples);
        var features = new float[o.ContextWindows * WindowFeatures.Count];
        var scale = WindowFeatures.Fill(values[start..], timestampsS[start..], o.WindowSamples, o.ContextWindows, features);
        var windowS = o.WindowSamples * WindowFeatures.EstimateIntervalS(timestampsS[start..]);
        return new LstmForward(model, features, scale, windowS);
    }

    /// <summary>The prediction from a forward pass's scaled output [horizon, quantiles] over <paramref name="horizonS"/>.</summary>
    internal static LstmPrediction Complete(LstmForward forward, ReadOnlySpan<float> scaled, long horizonS)
    {
        var o = forward.Model.Options;
        var steps = Math.Clamp((int)Math.Ceiling(horizonS / forward.WindowS), 1, o.HorizonWindows);
        var q = new double[o.Quantiles.Count];
        for (var j = 0; j < q.Length; j++)
        {
            q[j] = double.MinValue;
            for (var h = 0; h < steps; h++)
            {
                q[j] = Math.Max(q[j], scaled[(h * q.Length) + j]);
            }
        }

        return new LstmPrediction(o.Quantiles, q, forward.Scale, o.IntervalLevel, forward.Model.Manifest.Calibration);
    }

    private T? WithModel<T>(ResourceKind resource, Func<QuantileLstmModel, T> action, bool throwIfMissing)
    {
        _lock.EnterReadLock();
        try
        {
            var model = ModelFor(resource);
            return model is not null ? action(model) : throwIfMissing ? throw NoModel(resource) : default;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The resource's own model, else the CPU model, else any: scaled inputs make them unit-free.</summary>
    private QuantileLstmModel? ModelFor(ResourceKind resource) =>
        _models.GetValueOrDefault(resource) ?? _models.GetValueOrDefault(ResourceKind.Cpu) ?? _models.Values.FirstOrDefault();

    private static InvalidOperationException NoModel(ResourceKind resource) =>
        new($"The lstm recommender has no model for {resource}: call Fit or load a model first.");

    private void Replace(IEnumerable<QuantileLstmModel> models)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var model in models)
            {
                if (_models.Remove(model.Manifest.Resource, out var old))
                {
                    old.Dispose();
                }

                _models[model.Manifest.Resource] = model;
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private static string FileName(ResourceKind resource) => "lstm-" + resource.ToString().ToLowerInvariant();

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }

        _models.Clear();
        _lock.Dispose();
    }
}
