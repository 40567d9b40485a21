using Edge.Controller.Forecasters;
using Edge.Controller.Options;
using Edge.Controller.Profiles;
using Edge.Models.Profiling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Forecasters;

public sealed class PredictManyTests
{
    [Fact]
    public void PredictMany_ComponentsWithDifferentForecasters_SameProfilesAsOneAtATimeInRequestOrder()
    {
        using var dir = new TempDirectory();
        var forecaster = new Forecaster(
            Microsoft.Extensions.Options.Options.Create(new ComponentProfilerOptions()),
            Microsoft.Extensions.Options.Options.Create(new LearningOptions()),
            Microsoft.Extensions.Options.Options.Create(new ControllerOptions { DataDirectory = dir.Path }),
            TimeProvider.System,
            NullLogger<Forecaster>.Instance,
            Microsoft.Extensions.Options.Options.Create(new ForecasterChoiceOptions()),
            Microsoft.Extensions.Options.Options.Create(new LiveLstmOptions { Enabled = false }));
        var random = new Random(3);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var requests = new List<(string, ComponentContext)>();
        string?[] models = [null, "ets", "sarima"];
        for (var c = 0; c < 30; c++)
        {
            var id = $"wf/step-{c}";
            var context = new ComponentContext(StepName: id);
            for (var run = 0; run < 24; run++)
            {
                forecaster.Record(new ComponentRun(id, context, now - ((24 - run) * 3600), (c + 1) * 0.1 * (1 + random.NextDouble()), (c + 1) * 100 * (1 + random.NextDouble()), 10, 60));
            }

            forecaster.Selection.Assign(id, models[c % 3]);
            requests.Add((id, context));
        }

        requests.Add(("never/seen", new ComponentContext(StepName: "never/seen")));
        var batched = forecaster.PredictMany(requests, parallelism: 4);
        forecaster.InvalidateAll();
        forecaster.DropWarmStates();
        var single = requests.Select(r => forecaster.Predict(r.Item1, r.Item2)).ToList();

        Assert.Equal(requests.Count, batched.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(requests[i].Item1, batched[i].ComponentId);
            Assert.Equal(single[i].Model, batched[i].Model);
            Assert.Equal(single[i].Cpu, batched[i].Cpu, 9);
            Assert.Equal(single[i].Memory, batched[i].Memory, 9);
            Assert.Equal(single[i].ConfidenceInterval.Memory.Upper, batched[i].ConfidenceInterval.Memory.Upper, 9);
        }

        Assert.Equal(["edge", "ets", "sarima"], batched.Take(3).Select(p => p.Model));
        Assert.Equal("fallback", batched[^1].Model);
    }
}
