using System.Diagnostics.Metrics;
using Edge.Controller.Forecasters;
using Edge.Controller.Options;
using Edge.Controller.Profiles;
using Edge.Models.Profiling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Forecasters;

/// <summary>The statistical models' diverged forecasts as the controller's metric <c>edge.forecaster.diverged_forecasts</c>.</summary>
public sealed class DivergedForecastsMetricTests
{
    /// <summary>Memory run peaks of <c>bench/step-05076</c>, whose 8-run <c>sarima</c> warm-up fit forecast far outside its runs.</summary>
    private static readonly IReadOnlyList<double> Step05076Memory = BenchSeries.Step05076MemoryPeaks;

    [Fact]
    public void Predict_SarimaComponentWithABrokenWarmUpFit_CountedOnTheForecastersMeter()
    {
        using var dir = new TempDirectory();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var forecaster = new Forecaster(
            Microsoft.Extensions.Options.Options.Create(new ComponentProfilerOptions()),
            Microsoft.Extensions.Options.Options.Create(new LearningOptions()),
            Microsoft.Extensions.Options.Options.Create(new ControllerOptions { DataDirectory = dir.Path }),
            TimeProvider.System,
            NullLogger<Forecaster>.Instance,
            Microsoft.Extensions.Options.Options.Create(new ForecasterChoiceOptions()),
            Microsoft.Extensions.Options.Options.Create(new LiveLstmOptions { Enabled = false }),
            meters: meters);
        var id = "bench/step-05076";
        var context = new ComponentContext(StepName: id);
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - ((Step05076Memory.Count + 1) * 3600L);
        foreach (var peak in Step05076Memory)
        {
            t += 3600;
            forecaster.Record(new ComponentRun(id, context, t, 0.5, peak, 10, 60));
        }

        Assert.Equal(0, Read(meters, "sarima", "warmup") + Read(meters, "sarima", "real"));
        forecaster.Selection.Assign(id, "sarima");
        var profile = forecaster.Predict(id, context);

        Assert.Equal("sarima", profile.Model);
        var warmUp = Read(meters, "sarima", "warmup");
        Assert.InRange(warmUp, 1, 16);
        Assert.Equal(0, Read(meters, "ets", "warmup") + Read(meters, "ets", "real"));

        // A cold replay of the same runs counts its warm-up again.
        forecaster.InvalidateAll();
        forecaster.DropWarmStates();
        forecaster.Predict(id, context);
        Assert.Equal(2 * warmUp, Read(meters, "sarima", "warmup"));
    }

    /// <summary>The counter's value for the model and decision, as a collector reads it (observed at collection).</summary>
    private static long Read(IMeterFactory meters, string model, string decision)
    {
        long value = 0;
        var found = false;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Meter.Name == ForecasterMetrics.MeterName && instrument.Name == "edge.forecaster.diverged_forecasts")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, measurement, tags, _) =>
        {
            var tagged = tags.ToArray();
            if (tagged.Any(kv => kv.Key == "model" && (string?)kv.Value == model) && tagged.Any(kv => kv.Key == "decision" && (string?)kv.Value == decision))
            {
                value = measurement;
                found = true;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.True(found, $"no measurement for model {model}, decision {decision}");
        return value;
    }
}
