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
    /// <summary>
    /// Memory run peaks (MiB) of <c>bench/step-05076</c> of <c>forecast live</c>, whose 8-run <c>sarima</c> warm-up fit
    /// forecast far outside its runs (as in StatisticalStateTests).
    /// </summary>
    private static readonly double[] Step05076Memory =
    [
        11070.758313933718, 15162.651044381488, 26681.426112792808, 13648.940221097326, 9715.926866418144,
        15672.676951623105, 21090.168815431007, 47907.57150902452, 10773.042954144434, 32444.833922154685,
        16284.06588564509, 17405.614186912648, 7164.49865629051, 8384.949821421531, 21560.866640184067,
        14241.274426658876, 12659.488200938009, 21720.63942042765, 10915.286950196925, 20399.461898934747,
        26664.164152723028, 25905.107218972742, 22007.609547487642, 15211.769481963795, 27607.66689672593,
        22571.33606610037, 24314.660246652416, 30692.14562430295, 24287.91049093233, 14793.427809069479,
        24250.17677952542, 15303.03337145221, 23075.588568557265, 6567.7286629485025, 22799.716741214903,
        34516.879820862574, 18699.359971618625, 17134.744145955807, 33182.28765948739, 14392.836520766128,
        17806.156004673452, 17392.080361943037, 10976.103220586932, 9190.656031469925, 17439.440570355404,
        16550.189665912065, 13699.038650011707, 10482.271475502299,
    ];

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
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - ((Step05076Memory.Length + 1) * 3600L);
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
