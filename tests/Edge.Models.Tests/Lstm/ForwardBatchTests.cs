using Edge.Models.Lstm;
using Edge.Models.Profiling;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Models.Tests.Lstm;

/// <summary>
/// Batched LSTM forward passes (<see cref="ForwardBatch"/>, <see cref="ComponentProfiler.PredictMany"/>) against the
/// managed one-series pass. float32 on any x86-64 CPU: equal to 1e-4 (scaled units), not bit for bit.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ForwardBatchTests
{
    [Fact]
    public void Run_SeriesOfTwoModels_EachOutputEqualsTheOneSeriesPass()
    {
        var options = TinyOptions.Create() with { Layers = 2, HorizonWindows = 2, Seed = 9 };
        using var first = QuantileLstmModel.Create(options, ResourceKind.Cpu);
        using var second = QuantileLstmModel.Create(options with { Seed = 10 }, ResourceKind.Memory);
        var random = new Random(4);
        var passes = new List<LstmForward>();
        for (var i = 0; i < 300; i++)
        {
            var features = new float[options.ContextWindows * WindowFeatures.Count];
            for (var j = 0; j < features.Length; j++)
            {
                features[j] = (float)(random.NextDouble() * 3);
            }

            passes.Add(new LstmForward(i % 3 == 0 ? second : first, features, 1, 300));
        }

        var outputs = ForwardBatch.Run(passes);

        Assert.Equal(passes.Count, outputs.Length);
        for (var i = 0; i < passes.Count; i++)
        {
            var single = passes[i].Model.PredictOne(passes[i].Features);
            Assert.Equal(single.Length, outputs[i].Length);
            for (var j = 0; j < single.Length; j++)
            {
                Assert.Equal(single[j], outputs[i][j], 1e-4);
            }
        }
    }

    [Fact]
    public void PredictMany_WarmLstmComponentsWithNewRuns_SameProfilesAsOneAtATime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_100_000));
        using var lstm = new LstmRecommender();
        var batched = Profiler(time, lstm);
        var single = Profiler(time, lstm);
        var random = new Random(11);
        var requests = new List<(string, ComponentContext)>();
        var next = new List<ComponentRun>();
        for (var c = 0; c < 40; c++)
        {
            var id = $"wf/step-{c}";
            var context = new ComponentContext(StepName: id);
            var level = 0.2 + c;
            for (var r = 0; r <= 30; r++)
            {
                var run = new ComponentRun(id, context, 1_700_000_000 + (r * 900) + c, level * (1 + (0.3 * random.NextDouble())), 100 * level * (1 + (0.2 * random.NextDouble())), level, 60);
                if (r < 30)
                {
                    batched.Record(run);
                    single.Record(run);
                }
                else
                {
                    next.Add(run);
                }
            }

            requests.Add((id, context));
        }

        requests.Add(("never/seen", new ComponentContext(StepName: "nothing-like-it")));
        // Cold: replays (batched: one pass per resource each, in one batch); the states are warm from here on.
        AssertClose(requests, [.. requests.Select(r => single.Predict(r.Item1, r.Item2))], batched.PredictMany(requests, parallelism: 2));

        foreach (var run in next)
        {
            batched.Record(run);
            single.Record(run);
        }

        var many = batched.PredictMany(requests, parallelism: 2);
        var one = requests.Select(r => single.Predict(r.Item1, r.Item2)).ToList();

        Assert.Equal((40L, 40L), batched.PredictionCounts);
        Assert.Equal((40L, 40L), single.PredictionCounts);
        AssertClose(requests, one, many);
        Assert.Equal("lstm", many[0].Model);
        Assert.Equal("fallback", many[^1].Model);
    }

    private static void AssertClose(List<(string, ComponentContext)> requests, List<Edge.Common.Contracts.PredictionProfile> one, IReadOnlyList<Edge.Common.Contracts.PredictionProfile> many)
    {
        Assert.Equal(one.Count, many.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(one[i].Model, many[i].Model);
            Assert.Equal(requests[i].Item1, many[i].ComponentId);
            foreach (var (expected, actual) in new[]
            {
                (one[i].Cpu, many[i].Cpu),
                (one[i].Memory, many[i].Memory),
                (one[i].NetworkBandwidth, many[i].NetworkBandwidth),
                (one[i].ConfidenceInterval.Memory.Lower, many[i].ConfidenceInterval.Memory.Lower),
                (one[i].ConfidenceInterval.Memory.Upper, many[i].ConfidenceInterval.Memory.Upper),
                (one[i].ConfidenceInterval.Cpu.Upper, many[i].ConfidenceInterval.Cpu.Upper),
            })
            {
                Assert.True(Math.Abs(expected - actual) <= 1e-3 * Math.Max(1, Math.Abs(expected)), $"{requests[i].Item1}: one at a time {expected}, batched {actual}");
            }
        }
    }

    private static ComponentProfiler Profiler(TimeProvider time, LstmRecommender lstm) =>
        new(new ComponentProfilerOptions(), time) { Chooser = _ => new ChosenForecaster(lstm, lstm.DefaultKnob) };
}
