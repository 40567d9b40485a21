using System.Diagnostics.Metrics;
using Edge.Models;
using Edge.Models.Statistical;

namespace Edge.Controller.Profiles;

/// <summary>
/// The forecaster's instruments, on the <c>Edge.Controller.Forecasting</c> meter:
/// <c>edge.forecaster.diverged_forecasts</c> (Prometheus <c>edge_forecaster_diverged_forecasts_total</c>), the
/// statistical models' forecasts set aside as broken (<see cref="StatisticalState.DivergedForecasts"/>, summed over every
/// state of the controller's <c>ets</c> and <c>sarima</c>), tagged <c>model</c> and <c>decision</c>: <c>real</c> (a
/// prediction's own decision, made with the naive forecast in its place) or <c>warmup</c> (a simulated decision while a
/// fresh state replays a component's runs; a replay counts its warm-up again).
/// </summary>
internal sealed class ForecasterMetrics
{
    public const string MeterName = "Edge.Controller.Forecasting";

    public ForecasterMetrics(IMeterFactory? meters, IReadOnlyDictionary<string, IRecommender> statistical)
    {
        var counts = statistical
            .Where(kv => kv.Value is StatisticalRecommender)
            .Select(kv => (Model: kv.Key, ((StatisticalRecommender)kv.Value).Divergence))
            .ToList();
        var meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        DivergedForecasts = meter.CreateObservableCounter(
            "edge.forecaster.diverged_forecasts",
            () => counts.SelectMany(c => new[]
            {
                new Measurement<long>(c.Divergence.Real, new KeyValuePair<string, object?>("model", c.Model), new KeyValuePair<string, object?>("decision", "real")),
                new Measurement<long>(c.Divergence.WarmUp, new KeyValuePair<string, object?>("model", c.Model), new KeyValuePair<string, object?>("decision", "warmup")),
            }),
            description: "Forecasts of the statistical models (ets, sarima) set aside as broken, the naive forecast standing in (tags model, decision: real or warmup)");
    }

    public ObservableCounter<long> DivergedForecasts { get; }
}
