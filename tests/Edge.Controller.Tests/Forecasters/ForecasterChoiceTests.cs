using System.Diagnostics.Metrics;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Forecasters;
using Edge.Controller.Options;
using Edge.Controller.Profiles;
using Edge.Controller.Tests.Infrastructure;
using Edge.Models.Profiling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Forecasters;

public sealed class ForecasterChoiceTests
{
    private const string Component = "svc/alternating";

    [Fact]
    public async Task ComponentApi_NamesTheChosenModelAndVersion_AndTheChoiceMovesOffEdgeWhenAnotherForecasterWinsOnHeldOutRuns()
    {
        using var dir = new TempDirectory();
        await using var controller = await TestController.StartAsync(dir.Path, extra: new Dictionary<string, string?>
        {
            ["Controller:Lstm:Enabled"] = "false",
            ["Controller:Forecasters:Period"] = "1.00:00:00", // scored by the test below, not by the timer
        });
        var ledger = controller.Get<FeedbackLedger>();
        var forecaster = controller.Get<Forecaster>();
        var ct = TestContext.Current.CancellationToken;

        // Alternating runs (a large input, then a small one, ...): the previous run says little about the next, its
        // history says a lot. Edge bases each forecast on the previous run; ARIMA/ETS follow the alternation.
        for (var i = 0; i < 6; i++)
        {
            ledger.Record(Run(i));
        }

        var before = await SummaryAsync(controller, ct);
        Assert.Equal("edge", before.GetProperty("forecaster").GetProperty("model").GetString());
        Assert.False(before.GetProperty("forecaster").TryGetProperty("scoredAtMs", out var scored) && scored.ValueKind != JsonValueKind.Null, "not scored yet");
        Assert.Equal("edge", before.GetProperty("nextPrediction").GetProperty("model").GetString());
        Assert.Equal(forecaster.Model.ModelVersion, before.GetProperty("nextPrediction").GetProperty("modelVersion").GetInt32());

        for (var i = 6; i < 48; i++)
        {
            ledger.Record(Run(i));
        }

        Assert.True(forecaster.Rescore(Component, ct), "the choice changed after scoring");
        var after = await SummaryAsync(controller, ct);
        var choice = after.GetProperty("forecaster");
        var chosen = choice.GetProperty("model").GetString()!;
        Assert.NotEqual("edge", chosen);
        Assert.Contains(chosen, new[] { "ets", "sarima" });
        Assert.Equal(12, choice.GetProperty("heldOutRuns").GetInt32());
        var costs = choice.GetProperty("candidates").EnumerateArray()
            .ToDictionary(c => c.GetProperty("model").GetString()!, c => c.TryGetProperty("cost", out var cost) && cost.ValueKind == JsonValueKind.Number ? cost.GetDouble() : double.NaN);
        Assert.Equal(["edge", "ets", "sarima"], costs.Keys.Order());
        Assert.True(costs[chosen] < costs["edge"] - 1, $"held-out costs {string.Join(", ", costs)}");
        Assert.Equal(costs.Values.Where(double.IsFinite).Min(), costs[chosen]);

        var next = after.GetProperty("nextPrediction");
        Assert.Equal(chosen, next.GetProperty("model").GetString());
        Assert.Equal(1, next.GetProperty("modelVersion").GetInt32());
        Assert.Equal(chosen, forecaster.Predict(Component, new ComponentContext()).Model);
    }

    [Fact]
    public void Lstm_IsTrainedFromTheLedger_SavedAsAVersion_PromotedOnlyWhenItBeatsTheIncumbent_AndReloaded()
    {
        using var dir = new TempDirectory();
        var lstmOptions = new LiveLstmOptions { HiddenSize = 8, ContextRuns = 4, Epochs = 3, MinRuns = 20 };
        int promotedVersion;
        using (var ledger = Ledger(dir.Path, lstmOptions, out var forecaster))
        {
            for (var c = 0; c < 4; c++)
            {
                for (var i = 0; i < 30; i++)
                {
                    ledger.Record(Run(i, $"svc/c{c}", scale: 1 + c));
                }
            }

            var service = new LstmRetrainService(forecaster, ledger, TimeProvider.System, NullLogger<LstmRetrainService>.Instance);
            Assert.Equal("first", service.CheckOnce(TestContext.Current.CancellationToken));
            Assert.Equal("promoted v1", service.LastOutcome);
            var lstmDir = Path.Combine(dir.Path, "models", "lstm");
            Assert.Equal("1", File.ReadAllText(Path.Combine(lstmDir, "current")));
            foreach (var file in new[] { "version.json", "lstm-cpu.pt", "lstm-cpu.json", "lstm-memory.pt", "lstm-memory.json" })
            {
                Assert.True(File.Exists(Path.Combine(lstmDir, "v1", file)), file);
            }

            var v1 = forecaster.Lstm!.Manifest!;
            Assert.Equal(1, v1.Version);
            Assert.Equal("first", v1.Trigger);
            Assert.Null(v1.IncumbentCost);
            Assert.Equal(4, v1.Components);
            Assert.Equal((8, 4), (v1.HiddenSize, v1.ContextRuns));

            // The LSTM is now a candidate of every component, scored on its held-out runs with its version.
            forecaster.Rescore("svc/c0", TestContext.Current.CancellationToken);
            var lstm = forecaster.Describe("svc/c0").Candidates.Single(s => s.Model == "lstm");
            Assert.Equal(1, lstm.ModelVersion);
            Assert.NotNull(lstm.Cost);

            // A second candidate is promoted only if it beats v1 on the same held-out runs.
            var promoted = service.RetrainOnce("schedule", TestContext.Current.CancellationToken);
            if (promoted)
            {
                var v2 = forecaster.Lstm.Manifest!;
                Assert.Equal((2, 1), (v2.Version, v2.IncumbentVersion));
                Assert.True(v2.HeldOutCost < v2.IncumbentCost, $"{v2.HeldOutCost} vs {v2.IncumbentCost}");
            }
            else
            {
                Assert.Equal("kept v1", service.LastOutcome);
                Assert.False(Directory.Exists(Path.Combine(lstmDir, "v2")));
            }

            promotedVersion = forecaster.Lstm.Current!.Version;
            Assert.Equal(promotedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(lstmDir, "current")));
        }

        // A restarted controller forecasts with the promoted version.
        using var again = Ledger(dir.Path, lstmOptions, out var restarted);
        Assert.Equal(promotedVersion, restarted.Lstm!.Current!.Version);
        Assert.Equal(promotedVersion, restarted.VersionOf("lstm"));
    }

    [Fact]
    public void Options_NameEveryOffendingKeyAndValue()
    {
        var lstm = new LiveLstmOptions { HiddenSize = 0, ContextRuns = -1, Threads = 0, HeldOutShare = 0.9 }.Validate();
        Assert.Contains(lstm, e => e.Contains("HiddenSize = 0", StringComparison.Ordinal));
        Assert.Contains(lstm, e => e.Contains("ContextRuns = -1", StringComparison.Ordinal));
        Assert.Contains(lstm, e => e.Contains("Threads = 0", StringComparison.Ordinal));
        Assert.Contains(lstm, e => e.Contains("HeldOutShare = 0.9", StringComparison.Ordinal));
        Assert.Empty(new LiveLstmOptions().Validate());

        var choice = new ForecasterChoiceOptions { Candidates = "ets,prophet", HeldOutRuns = 20, MinRuns = 16 }.Validate();
        Assert.Contains(choice, e => e.Contains("'prophet'", StringComparison.Ordinal));
        Assert.Contains(choice, e => e.Contains("HeldOutRuns = 20", StringComparison.Ordinal));
        Assert.Empty(new ForecasterChoiceOptions().Validate());
    }

    private static async Task<JsonElement> SummaryAsync(TestController controller, CancellationToken ct) =>
        JsonDocument.Parse(await controller.Http.GetStringAsync($"/api/components/{Component}", ct)).RootElement;

    private static FeedbackLedger Ledger(string dataDirectory, LiveLstmOptions lstm, out Forecaster forecaster)
    {
        var controller = Microsoft.Extensions.Options.Options.Create(new ControllerOptions { DataDirectory = dataDirectory });
        forecaster = new Forecaster(
            Microsoft.Extensions.Options.Options.Create(new ComponentProfilerOptions()),
            Microsoft.Extensions.Options.Options.Create(new LearningOptions()),
            controller,
            TimeProvider.System,
            NullLogger<Forecaster>.Instance,
            Microsoft.Extensions.Options.Options.Create(new ForecasterChoiceOptions()),
            Microsoft.Extensions.Options.Options.Create(lstm));
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        var state = new Edge.Controller.State.SqliteStateStore(Path.Combine(dataDirectory, "state.db"));
        return new FeedbackLedger(state, Path.Combine(dataDirectory, "feedback"), new FeedbackOptions().KeepRunsPerComponent, forecaster, NullLogger<FeedbackLedger>.Instance, meters, ownsState: true);
    }

    /// <summary>Run i: high on even runs, low on odd ones, with a little deterministic noise.</summary>
    internal static RunRecord Run(int i, string componentId = Component, double scale = 1)
    {
        var noise = 1 + (0.03 * Math.Sin(i * 1.7));
        var high = i % 2 == 0;
        var cpu = scale * (high ? 2.0 : 0.4) * noise;
        var memory = scale * (high ? 900.0 : 150.0) * noise;
        return new RunRecord
        {
            ComponentId = componentId,
            InstanceId = $"run-{i}",
            NodeId = "node-a",
            StartedAtMs = 1_700_000_000_000 + (i * 600_000L),
            EndedAtMs = 1_700_000_060_000 + (i * 600_000L),
            Outcome = "succeeded",
            DurationSeconds = 60,
            CpuSeconds = cpu * 60,
            PeakCpuCores = cpu,
            MeanCpuCores = cpu,
            PeakMemoryMiB = memory,
            Predicted = new PredictionProfile
            {
                ComponentId = componentId,
                Cpu = 2500,
                Memory = 1000,
                NetworkBandwidth = 0,
                Model = "edge",
                ConfidenceInterval = new ConfidenceInterval(0.9, new IntervalBounds(300, 2500), new IntervalBounds(100, 1000), new IntervalBounds(0, 0)),
            },
            FinalLimits = new ResourceQuantity(2500, 1000),
        };
    }
}
