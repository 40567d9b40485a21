using Edge.Controller.Adjustment;
using Edge.Models.Profiling;

namespace Edge.Controller.Tests.Adjustment;

public sealed class MemoryTailTests
{
    private static readonly AdjusterOptions Options = new() { MemoryTailRuns = 100, MemoryTailMinRuns = 10, MemoryTailPriorRuns = 1 };

    [Fact]
    public void ExceedProbability_NoLearnedRunPastTheLimit_IsSmallButNotZero_EvenAboveEveryPeak()
    {
        // 50 runs peaking at 900–949 MiB, limit 1,000: of the runs that reached 920, none passed the limit.
        var tail = MemoryTail.From(Runs(Enumerable.Range(0, 50).Select(i => 900.0 + i)), null, Options)!;

        var atNinetyTwo = tail.ExceedProbability(920, 1000);
        var aboveAll = tail.ExceedProbability(990, 1000);

        // 1 pseudo-run at the unconditional rate (0 + 1) / (50 + 2): 1/52 / (30 + 1) and, with no run as high, 1/52.
        Assert.Equal(1.0 / 52 / 31, atNinetyTwo, 9);
        Assert.Equal(1.0 / 52, aboveAll, 9);
        Assert.InRange(aboveAll, 1e-3, 0.05);
    }

    [Fact]
    public void ExceedProbability_ConditionsOnTheUsageAlreadyReached()
    {
        // fasterq-dump's kind: 80 small runs (100–179 MiB) and 20 large ones (1,100–1,290 MiB), limit 1,000.
        var peaks = Enumerable.Range(0, 80).Select(i => 100.0 + i).Concat(Enumerable.Range(0, 20).Select(i => 1100.0 + (10 * i)));
        var tail = MemoryTail.From(Runs(peaks), null, Options)!;

        var early = tail.ExceedProbability(150, 1000);
        var late = tail.ExceedProbability(950, 1000);

        // At 150 MiB most runs that got there stayed small; at 950 every run that got there passed 1,000.
        Assert.InRange(early, 0.2, 0.5);
        Assert.InRange(late, 0.95, 1);
    }

    [Fact]
    public void From_UsesRunsOfSimilarInputSizeWhenThereAreEnough()
    {
        // Large inputs peak at 2,000 MiB, small ones at 100: a step with a small input is judged by the small runs.
        var runs = Runs(Enumerable.Repeat(2000.0, 20), inputBytes: 1e9).Concat(Runs(Enumerable.Repeat(100.0, 20), inputBytes: 1e7)).ToList();

        var small = MemoryTail.From(runs, 1.5e7, Options)!;
        var unknown = MemoryTail.From(runs, null, Options)!;

        Assert.True(small.SimilarInput);
        Assert.Equal(20, small.Count);
        Assert.True(small.ExceedProbability(95, 110) < 0.01, $"{small.ExceedProbability(95, 110)}");
        Assert.False(unknown.SimilarInput);
        Assert.True(unknown.ExceedProbability(95, 110) > 0.4, $"{unknown.ExceedProbability(95, 110)}");
    }

    [Fact]
    public void From_TooFewRunsOrOnlyTheLatest()
    {
        Assert.Null(MemoryTail.From(Runs(Enumerable.Repeat(500.0, 9)), null, Options));

        // Only the latest MemoryTailRuns count: 50 old runs past 1,000, then 100 below it.
        var runs = Runs(Enumerable.Repeat(1500.0, 50).Concat(Enumerable.Repeat(900.0, 100)));
        var tail = MemoryTail.From(runs, null, Options)!;
        Assert.Equal(100, tail.Count);
        Assert.True(tail.ExceedProbability(850, 1000) < 0.01);
    }

    [Fact]
    public void RemainingSeconds_IsTheMeanResidualLifeOfTheLearnedDurations()
    {
        var runs = new[] { 10.0, 20, 30, 40, 50, 60, 70, 80, 90, 100 }.Select((d, i) => Run(500, d, i)).ToList();
        var tail = MemoryTail.From(runs, null, Options)!;

        // Runs longer than 45 s: 50..100, mean 75, so 30 s remain; past every run, its age again.
        Assert.Equal(30, tail.RemainingSeconds(45), 9);
        Assert.Equal(55, tail.RemainingSeconds(0), 9);
        Assert.Equal(150, tail.RemainingSeconds(150), 9);
    }

    [Fact]
    public void Weigh_RaisesOnlyWhenTheExpectedKillCostsMoreThanTheRaise()
    {
        var safe = MemoryTail.From(Runs(Enumerable.Range(0, 50).Select(i => 900.0 + i), duration: 40), null, Options)!;
        var risky = MemoryTail.From(Runs(Enumerable.Range(0, 50).Select(i => 900.0 + (10 * i)), duration: 40), null, Options)!;

        // Levelled at 95% of 1,000 MiB after 10 s of a 40 s run, to be raised to 1,100.
        var (raiseSafe, whySafe) = safe.Weigh(950, 1000, 1100, 10);
        var (raiseRisky, _) = risky.Weigh(950, 1000, 1100, 10);

        Assert.False(raiseSafe, whySafe);
        Assert.Contains("P(peak > 1000 MiB | peak ≥ 950 MiB)", whySafe, StringComparison.Ordinal);
        Assert.True(raiseRisky);
    }

    private static List<ComponentRun> Runs(IEnumerable<double> peaks, double? inputBytes = null, double duration = 30) =>
        [.. peaks.Select((p, i) => Run(p, duration, i, inputBytes))];

    private static ComponentRun Run(double peak, double duration, int i, double? inputBytes = null) =>
        new("c", new ComponentContext(InputSizeBytes: inputBytes), i, 1, peak, 0, duration);
}
