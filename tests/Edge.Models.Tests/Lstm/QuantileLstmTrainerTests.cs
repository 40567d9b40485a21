using Edge.Models.Lstm;

namespace Edge.Models.Tests.Lstm;

[Collection(TorchCollection.Name)]
public sealed class QuantileLstmTrainerTests
{
    [Fact]
    public void Fit_SeasonalSeries_ReducesPinballLoss()
    {
        var options = TinyOptions.Create();
        var series = SyntheticSeries.Many(4, 6, 0.1, seed: 1);
        using var untrained = QuantileLstmModel.Create(options, ResourceKind.Cpu);
        var before = QuantileLstmTrainer.Loss(untrained, series);

        using var trained = QuantileLstmTrainer.Fit(series, ResourceKind.Cpu, options, null, TestContext.Current.CancellationToken);
        var after = QuantileLstmTrainer.Loss(trained, series);

        Assert.True(after < 0.6 * before, $"pinball loss {before:F4} -> {after:F4}");
        Assert.True(trained.Manifest.EpochLosses[^1] < trained.Manifest.EpochLosses[0]);
        Assert.Equal(1, trained.Manifest.ModelVersion);
        Assert.Equal(SyntheticSeries.Start, trained.Manifest.DataFromS);
    }

    [Fact]
    public void Fit_Progress_ReachesOneAndCancellationStops()
    {
        var options = TinyOptions.Create(epochs: 1);
        var series = SyntheticSeries.Many(2, 3, 0.1, seed: 2);
        var reported = new List<double>();
        using var model = QuantileLstmTrainer.Fit(series, ResourceKind.Cpu, options, new SyncProgress(reported.Add), TestContext.Current.CancellationToken);

        Assert.Equal(1, reported[^1]);
        Assert.True(reported.Zip(reported.Skip(1)).All(p => p.Second >= p.First));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => QuantileLstmTrainer.Fit(series, ResourceKind.Cpu, options, null, cancelled.Token));
    }

    [Fact]
    public void Update_ShiftedLevel_LowersLossOnNewDataAndBumpsVersion()
    {
        var options = TinyOptions.Create() with { OnlineSteps = 30, OnlineLearningRate = 1e-2 };
        var history = SyntheticSeries.Many(3, 5, 0.05, seed: 3);
        using var model = QuantileLstmTrainer.Fit(history, ResourceKind.Cpu, options, null, TestContext.Current.CancellationToken);
        var shifted = new List<UsageSeries>
        {
            SyntheticSeries.Seasonal("shift", 3, 2.0, 0.0, 0.3, 99, SyntheticSeries.Start + (5 * 86_400)),
        };
        var before = QuantileLstmTrainer.Loss(model, shifted);

        var used = QuantileLstmTrainer.Update(model, shifted, history, 1.0, TestContext.Current.CancellationToken);

        Assert.True(used > 0);
        Assert.True(QuantileLstmTrainer.Loss(model, shifted) < before);
        Assert.Equal(2, model.Manifest.ModelVersion);
        Assert.Equal(shifted[0].TimestampsS[^1], model.Manifest.DataToS);
    }

    [Fact]
    public void Update_WeightOutsideRange_Throws()
    {
        var options = TinyOptions.Create(epochs: 1);
        var series = SyntheticSeries.Many(1, 2, 0.1, seed: 4);
        using var model = QuantileLstmModel.Create(options, ResourceKind.Cpu);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => QuantileLstmTrainer.Update(model, series, null, 1.5, TestContext.Current.CancellationToken));

        Assert.Contains("1.5", error.Message, StringComparison.Ordinal);
    }

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
