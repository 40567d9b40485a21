using Edge.Controller.Forecasters;
using Edge.Controller.Options;
using Edge.Controller.Profiles;
using Edge.Models.Profiling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Forecasters;

/// <summary><see cref="Forecaster.Prewarm"/>: the start-up pre-warm builds warm states, so the next predictions need no replay.</summary>
public sealed class PrewarmTests
{
    [Fact]
    public void Prewarm_KnownComponents_LaterPredictionsAreWarmAndEqualAColdOne()
    {
        using var dir = new TempDirectory();
        var forecaster = Create(dir.Path, warmStates: 100);
        var random = new Random(5);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string?[] models = [null, "ets", "sarima"];
        var ids = new List<string>();
        for (var c = 0; c < 12; c++)
        {
            var id = $"wf/step-{c}";
            ids.Add(id);
            for (var run = 0; run < 20; run++)
            {
                forecaster.Record(new ComponentRun(id, new ComponentContext(StepName: id), now - ((20 - run) * 3600) - c, (c + 1) * 0.1 * (1 + random.NextDouble()), (c + 1) * 100 * (1 + random.NextDouble()), 10, 60));
            }

            forecaster.Selection.Assign(id, models[c % 3]);
        }

        var progress = new List<(int Done, int Total)>();
        Assert.Equal(12, forecaster.Prewarm(5, (done, total) => progress.Add((done, total)), CancellationToken.None));
        Assert.Equal([(5, 12), (10, 12), (12, 12)], progress);
        Assert.Equal((0L, 12L), forecaster.PredictionCounts);

        forecaster.InvalidateAll();
        var warm = ids.Select(id => forecaster.Predict(id, new ComponentContext(StepName: id))).ToList();
        Assert.Equal((12L, 12L), forecaster.PredictionCounts); // served warm: no replay

        forecaster.InvalidateAll();
        forecaster.DropWarmStates();
        var cold = ids.Select(id => forecaster.Predict(id, new ComponentContext(StepName: id))).ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal(cold[i].Model, warm[i].Model);
            Assert.Equal(cold[i].Memory, warm[i].Memory, 9);
            Assert.Equal(cold[i].Cpu, warm[i].Cpu, 9);
        }
    }

    [Fact]
    public void Prewarm_MoreComponentsThanKeptWarm_TheMostRecentlyRunOnes()
    {
        using var dir = new TempDirectory();
        var forecaster = Create(dir.Path, warmStates: 3);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        for (var c = 0; c < 6; c++)
        {
            var id = $"wf/step-{c}";
            for (var run = 0; run < 10; run++)
            {
                forecaster.Record(new ComponentRun(id, new ComponentContext(StepName: id), now - ((10 - run) * 3600) + (c * 60), 0.5 + (0.01 * run), 100 + run, 10, 60));
            }
        }

        Assert.Equal(3, forecaster.Prewarm(10, null, CancellationToken.None));
        forecaster.InvalidateAll();
        var before = forecaster.PredictionCounts;
        foreach (var c in new[] { 5, 4, 3 })
        {
            forecaster.Predict($"wf/step-{c}", new ComponentContext(StepName: $"wf/step-{c}"));
        }

        Assert.Equal((before.Warm + 3, before.Cold), forecaster.PredictionCounts);
    }

    private static Forecaster Create(string directory, int warmStates) => new(
        Microsoft.Extensions.Options.Options.Create(new ComponentProfilerOptions { WarmStates = warmStates }),
        Microsoft.Extensions.Options.Options.Create(new LearningOptions()),
        Microsoft.Extensions.Options.Options.Create(new ControllerOptions { DataDirectory = directory }),
        TimeProvider.System,
        NullLogger<Forecaster>.Instance,
        Microsoft.Extensions.Options.Options.Create(new ForecasterChoiceOptions()),
        Microsoft.Extensions.Options.Options.Create(new LiveLstmOptions { Enabled = false }));
}
