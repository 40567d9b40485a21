namespace Edge.Models.Lstm;

/// <summary>
/// <c>lstm</c> as registered by default: the same recommender as <see cref="LstmRecommender"/>, but the TorchSharp
/// runtime and the embedded default model are loaded on first use (a state, a fit), so a registry that lists
/// <c>lstm</c> costs nothing to a host or command that never runs it.
/// </summary>
internal sealed class DeferredLstmRecommender : ITrainableRecommender, IDisposable
{
    private readonly Lazy<LstmRecommender> _inner;

    public DeferredLstmRecommender(Func<LstmRecommender>? factory = null)
    {
        _inner = new Lazy<LstmRecommender>(factory ?? (() => new LstmRecommender()), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Whether the model has been loaded (first state or fit).</summary>
    public bool IsLoaded => _inner.IsValueCreated;

    /// <summary>The loaded recommender (loads it on first access).</summary>
    public LstmRecommender Inner => _inner.Value;

    public string Name => LstmRecommender.RecommenderName;

    public string KnobDescription => LstmRecommender.KnobText;

    public double DefaultKnob => LstmRecommender.DefaultKnobValue;

    public IReadOnlyList<double> SweepKnobs => LstmRecommender.SweepKnobValues;

    public IRecommenderState CreateState(ResourceKind resource, double knob) => _inner.Value.CreateState(resource, knob);

    public object TrainingOwner => _inner.Value;

    public void Fit(IReadOnlyList<UsageSeries> training, IProgress<double>? progress, CancellationToken cancellationToken) =>
        _inner.Value.Fit(training, progress, cancellationToken);

    public void Dispose()
    {
        if (_inner.IsValueCreated)
        {
            _inner.Value.Dispose();
        }
    }
}
