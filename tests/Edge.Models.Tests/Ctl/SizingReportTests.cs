using Edge.Ctl.Backtest;
using Edge.Models.Backtest.Sizing;

namespace Edge.Models.Tests.Ctl;

public sealed class SizingReportTests
{
    [Fact]
    public void Goal_ComparesEdgeSizingWithBaselinesOnlyAndTakesTheMedianReduction()
    {
        SizingTotals Row(string workflow, string method, double wastage, double maq, double failures) => new(workflow, method, 1, 10, wastage, wastage, 0, maq, failures, 0);
        var totals = new[]
        {
            Row("a", "tovar", 10, 0.5, 2), Row("a", "edge", 1, 0.99, 0), Row("a", "edge-sizing", 5, 0.7, 1),
            Row("b", "sizey", 4, 0.6, 0), Row("b", "edge-sizing", 3, 0.65, 1),
            Row("c", "sizey", 2, 0.9, 0), Row("c", "edge-sizing", 4, 0.8, 0),
        };

        var goal = SizingRunner.Goal(totals);

        // Reductions 50%, 25%, −100%: median 25%; Edge's own `edge` is not a baseline (else "a" would be lost).
        Assert.Contains("| a | 0.700 | 0.500 (tovar) | 5 | 10 (tovar) | 50.0 % | 1.0 / 2.0 |", goal, StringComparison.Ordinal);
        Assert.Contains("MAQ above every baseline on 2 of 3 workflows", goal, StringComparison.Ordinal);
        Assert.Contains("least-wasting baseline 25.0 %", goal, StringComparison.Ordinal);
        Assert.Contains("no more failures than that baseline on 2 of 3", goal, StringComparison.Ordinal);

        // With the hindsight bound: workflow "b"'s bound 3.6 leaves at most 10% below Sizey's 4.
        var bounded = SizingRunner.Goal(totals, new Dictionary<string, double> { ["b"] = 3.6 });
        Assert.Contains("| b | 0.650 | 0.600 (sizey) | 3 | 4 (sizey) | 25.0 % | 1.0 / 0.0 | 3.6 (10.0 %) |", bounded, StringComparison.Ordinal);
        Assert.Contains("| c | 0.800 | 0.900 (sizey) | 4 | 2 (sizey) | -100.0 % | 0.0 / 0.0 | |", bounded, StringComparison.Ordinal);
    }

    [Fact]
    public void Goal_ForEdgeSizingRestart_JudgesThatMethodAndKeepsEdgeSizingOutOfTheBaselines()
    {
        SizingTotals Row(string workflow, string method, double wastage, double maq, double failures) => new(workflow, method, 1, 10, wastage, wastage, 0, maq, failures, 0);
        var totals = new[]
        {
            Row("a", "sizey", 10, 0.5, 5), Row("a", "edge-sizing", 2, 0.9, 9), Row("a", "edge-sizing-restart", 4, 0.8, 3),
        };

        var goal = SizingRunner.Goal(totals, null, "edge-sizing-restart");

        // Judged against sizey, not against edge-sizing's lower wastage.
        Assert.Contains("## Goal check: edge-sizing-restart", goal, StringComparison.Ordinal);
        Assert.Contains("| a | 0.800 | 0.500 (sizey) | 4 | 10 (sizey) | 60.0 % | 3.0 / 5.0 |", goal, StringComparison.Ordinal);
        Assert.Contains("no more failures than that baseline on 1 of 1", goal, StringComparison.Ordinal);
    }
}
