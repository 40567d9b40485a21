using Edge.Models.Backtest;

namespace Edge.Models.Tests.Backtest;

public sealed class TuningPartTests
{
    [Fact]
    public void TuningPart_TwoSeries_DropsHeldOutSeriesAndCutsAtTheHeldOutTime()
    {
        // Span 0..1000 s, holdout 0.3: time cut at 700 s. Which ids are held out follows HoldoutSplit's hash.
        var split = new HoldoutSplit(0.3, 700);
        var ids = Enumerable.Range(0, 50).Select(i => $"vm{i}").ToList();
        var kept = ids.First(id => !split.IsHeldOutSeries(id));
        var heldOut = ids.First(split.IsHeldOutSeries);
        UsageSeries Make(string id) => new(id, ResourceKind.Cpu, [0, 300, 600, 700, 1000], [1, 2, 3, 4, 5]);

        var part = BacktestEngine.TuningPart([Make(kept), Make(heldOut)], 0.3);

        var only = Assert.Single(part);
        Assert.Equal(kept, only.Id);
        Assert.Equal([0L, 300, 600], only.TimestampsS);
        Assert.Equal([1.0, 2, 3], only.Values);
    }
}
