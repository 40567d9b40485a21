using Edge.Models.Forecasting;

namespace Edge.Models.Statistical;

/// <summary>The model family of a <see cref="StatisticalRecommender"/>.</summary>
public enum StatisticalModel
{
    /// <summary>Exponential smoothing / Holt–Winters (<see cref="TimeSeries.Ets"/>).</summary>
    Ets,

    /// <summary>Seasonal ARIMA (<see cref="TimeSeries.Sarima"/>).</summary>
    Sarima,
}

/// <summary>
/// <c>ets</c> and <c>sarima</c>: a classical per-series forecast (exponential smoothing or seasonal ARIMA, fitted on
/// the log of 15-minute means, or of run means for run series) with the conformal calibration of <c>edge</c> on top:
/// each sample scored as (usage + c) / forecast, the limit the cost-optimal point of those scores for the violation
/// cost λ (the knob, in cores / GiB / 100 Mbps, as <c>edge</c>), the 90% interval their adaptive conformal quantiles.
/// Design and measurements: docs/forecasting.md, "Statistical models".
/// </summary>
internal sealed class StatisticalRecommender : IViolationCostRecommender
{
    private readonly StatisticalOptions _options;

    public StatisticalRecommender(StatisticalModel model, StatisticalOptions? options = null, string? name = null)
    {
        _options = options ?? StatisticalOptions.Default;
        _options.Validate();
        Model = model;
        Name = name ?? (model == StatisticalModel.Ets ? "ets" : "sarima");
    }

    public StatisticalModel Model { get; }

    public string Name { get; }

    public string KnobDescription => "violation cost λ: one sample above the limit costs as much as λ idle cores (CPU), GiB (memory) or 100 Mbps (network)";

    public double DefaultKnob => EdgeModel.DefaultViolationCost;

    /// <summary>Fewer points than <c>edge</c>'s sweep (every point is a state per series), over the same range.</summary>
    public IReadOnlyList<double> SweepKnobs { get; } = [0.01, 0.03, 0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 30, 100, 1000, 10000, 100000, 300000];

    public IRecommenderState CreateState(ResourceKind resource, double knob)
    {
        if (!(knob > 0) || double.IsInfinity(knob))
        {
            throw new ArgumentOutOfRangeException(nameof(knob), knob, $"{Name}: the violation cost λ must be a positive number, not {knob}.");
        }

        return new StatisticalState(Model, _options, knob * EdgeRecommender.Unit(resource), resource == ResourceKind.Memory, Divergence);
    }

    /// <summary>Forecasts set aside as broken by every state this recommender created (<see cref="StatisticalState.DivergedForecasts"/>), since it was made.</summary>
    public DivergenceCount Divergence { get; } = new();
}

/// <summary>
/// Forecasts of a statistical model set aside as broken (the naive forecast stood in), summed over the states of one
/// <see cref="StatisticalRecommender"/>: at real decisions, and at the simulated decisions that warm a fresh state up
/// (a cold prediction replays a component's runs, so the same run series counts its warm-up again at every replay).
/// Thread-safe.
/// </summary>
internal sealed class DivergenceCount
{
    private long _real;
    private long _warmUp;

    public long Real => Interlocked.Read(ref _real);

    public long WarmUp => Interlocked.Read(ref _warmUp);

    public void Add(bool real)
    {
        if (real)
        {
            Interlocked.Increment(ref _real);
        }
        else
        {
            Interlocked.Increment(ref _warmUp);
        }
    }
}
