using Edge.Common.Contracts;
using Edge.Controller.Forecasters;
using Edge.Models.Lstm;
using Edge.Models.Profiling;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Controller.Tests.Forecasters;

/// <summary>
/// The controller's LSTM (<see cref="RunPeakLstm"/>) through <see cref="ComponentProfiler.PredictMany"/>: its forward
/// passes — a cold replay's calibration forecasts and decision, a warm state's decision — run in one libtorch batch,
/// and the profiles equal those made one at a time (the managed pass) to float32 rounding, on any x86-64 CPU.
/// </summary>
public sealed class RunPeakLstmBatchTests
{
    [Fact]
    public void PredictMany_ColdThenWarmLstmComponents_SameProfilesAsOneAtATime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_100_000));
        using var inner = new LstmRecommender();
        var lstm = new RunPeakLstm(inner, 1);
        var batched = Profiler(time, lstm);
        var single = Profiler(time, lstm);
        var random = new Random(17);
        var requests = new List<(string, ComponentContext)>();
        var next = new List<ComponentRun>();
        for (var c = 0; c < 30; c++)
        {
            var id = $"wf/step-{c}";
            var context = new ComponentContext(StepName: id);
            var level = 0.1 + c;
            // Some components with fewer runs than the LSTM's context plus its calibration runs (16 + 8).
            var runs = c % 5 == 0 ? 6 : 40;
            for (var r = 0; r <= runs; r++)
            {
                var run = new ComponentRun(id, context, 1_700_000_000 + (r * 1_200) + c, level * (1 + (0.4 * random.NextDouble())), 50 * level * (1 + (0.3 * random.NextDouble())), level, 60);
                if (r < runs)
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

        var cold = batched.PredictMany(requests, parallelism: 2);
        AssertClose(requests, requests.Select(r => single.Predict(r.Item1, r.Item2)).ToList(), cold);
        foreach (var run in next)
        {
            batched.Record(run);
            single.Record(run);
        }

        var warm = batched.PredictMany(requests, parallelism: 2);
        AssertClose(requests, requests.Select(r => single.Predict(r.Item1, r.Item2)).ToList(), warm);

        Assert.Equal((30L, 30L), batched.PredictionCounts);
        Assert.Equal((30L, 30L), single.PredictionCounts);
        Assert.All(warm, p => Assert.Equal("lstm", p.Model));
    }

    private static void AssertClose(List<(string Id, ComponentContext Context)> requests, List<PredictionProfile> one, IReadOnlyList<PredictionProfile> many)
    {
        Assert.Equal(one.Count, many.Count);
        for (var i = 0; i < one.Count; i++)
        {
            Assert.Equal(requests[i].Id, many[i].ComponentId);
            Assert.Equal(one[i].Model, many[i].Model);
            foreach (var (expected, actual) in new[]
            {
                (one[i].Cpu, many[i].Cpu),
                (one[i].Memory, many[i].Memory),
                (one[i].NetworkBandwidth, many[i].NetworkBandwidth),
                (one[i].ConfidenceInterval.Cpu.Lower, many[i].ConfidenceInterval.Cpu.Lower),
                (one[i].ConfidenceInterval.Memory.Upper, many[i].ConfidenceInterval.Memory.Upper),
                (one[i].ConfidenceInterval.NetworkBandwidth.Upper, many[i].ConfidenceInterval.NetworkBandwidth.Upper),
            })
            {
                Assert.True(Math.Abs(expected - actual) <= 1e-3 * Math.Max(1, Math.Abs(expected)), $"{requests[i].Id}: one at a time {expected}, batched {actual}");
            }
        }
    }

    private static ComponentProfiler Profiler(TimeProvider time, RunPeakLstm lstm) =>
        new(new ComponentProfilerOptions(), time)
        {
            Chooser = _ => new ChosenForecaster(lstm, lstm.DefaultKnob, lstm.RunsRead),
        };
}
