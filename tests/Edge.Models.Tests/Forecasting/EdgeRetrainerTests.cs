using Edge.Models.Forecasting;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Models.Tests.Forecasting;

public sealed class EdgeRetrainerTests
{
    private static readonly EdgeRetrainOptions Options = new()
    {
        Candidates = [0.05, 0.5, 2, 20],
        Replay = new Edge.Models.Backtest.BacktestOptions { WarmupS = 86400, MinScoredSamples = 10, Sweep = false },
    };

    [Fact]
    public void Retrain_RecentRuns_ChoosesAKnobWithinTheTargetAndRecordsVersionAndWindow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var runs = Noisy("a", seed: 1);
        var retrainer = new EdgeRetrainer(Options, time);

        var candidate = retrainer.Retrain(runs, EdgeModel.Default, TestContext.Current.CancellationToken);
        var score = retrainer.Score(candidate, runs, TestContext.Current.CancellationToken);

        Assert.Equal(2, candidate.ModelVersion);
        Assert.Contains(candidate.CostFor(ResourceKind.Cpu), Options.Candidates);
        Assert.True(score.PerResource[ResourceKind.Cpu].ViolationPercent <= 2, $"violation {score.PerResource[ResourceKind.Cpu].ViolationPercent}");
        Assert.Equal(runs[0].TimestampsS[0], candidate.DataFromS);
        Assert.Equal(runs[0].TimestampsS[^1], candidate.DataToS);
        Assert.Equal(1_700_000_000, candidate.TrainedAtS);
    }

    [Fact]
    public void Score_HeldOutRuns_RanksTheRetrainedModelAboveAReckless_One()
    {
        var retrainer = new EdgeRetrainer(Options, TimeProvider.System);
        var candidate = retrainer.Retrain(Noisy("a", seed: 1), null, TestContext.Current.CancellationToken);
        var reckless = new EdgeModel { ViolationCost = new Dictionary<ResourceKind, double> { [ResourceKind.Cpu] = 0.001 } };
        var heldOut = Noisy("b", seed: 2);

        var good = retrainer.Score(candidate, heldOut, TestContext.Current.CancellationToken);
        var bad = retrainer.Score(reckless, heldOut, TestContext.Current.CancellationToken);

        Assert.True(good.IsBetterThan(bad), $"candidate {good.Cost} vs reckless {bad.Cost}");
    }

    [Fact]
    public void Constructor_BadOptions_ReportsEveryError()
    {
        var bad = Options with { Candidates = [], ViolationPenalty = -1 };

        var ex = Assert.Throws<ArgumentException>(() => new EdgeRetrainer(bad, TimeProvider.System));

        Assert.Contains("Candidates", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ViolationPenalty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateRecommender_DefaultKnob_UsesTheModelsCostPerResource()
    {
        var model = new EdgeModel { ViolationCost = new Dictionary<ResourceKind, double> { [ResourceKind.Memory] = 50 } };
        var recommender = (EdgeRecommender)model.CreateRecommender();

        Assert.Equal(50, recommender.ViolationCost(ResourceKind.Memory, recommender.DefaultKnob));
        Assert.Equal(100, recommender.ViolationCost(ResourceKind.Memory, 4));
        Assert.Equal(2, recommender.ViolationCost(ResourceKind.Cpu, 2));
    }

    /// <summary>Three days of 5-minute samples around 1 core with uniform noise of ±0.3.</summary>
    private static List<UsageSeries> Noisy(string id, int seed)
    {
        var random = new Random(seed);
        var n = 3 * 288;
        return [new UsageSeries(id, ResourceKind.Cpu, [.. Enumerable.Range(0, n).Select(i => 1_000_000L + (300L * i))], [.. Enumerable.Range(0, n).Select(_ => 0.7 + (0.6 * random.NextDouble()))])];
    }
}
