using Edge.Models.Profiling;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Models.Tests.Profiling;

public sealed class ComponentProfilerTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_100_000));

    [Fact]
    public void Predict_KnownComponent_UsesItsOwnHistory()
    {
        var profiler = Profiler();
        Record(profiler, "etl/transform", new ComponentContext(StepName: "transform"), 10);

        var profile = profiler.Predict("etl/transform", new ComponentContext(StepName: "transform"));

        Assert.Equal("edge", profile.Model);
        Assert.True(profile.Memory >= 500);
        Assert.True(profile.Cpu > 0);
        Assert.Equal(0.9, profile.ConfidenceInterval.Level, 12);
    }

    [Fact]
    public void Predict_NeverSeenComponent_BorrowsFromTheSameStepWithAWiderInterval()
    {
        var profiler = Profiler();
        Record(profiler, "etl/transform", new ComponentContext(StepName: "transform"), 40);
        var own = profiler.Predict("etl/transform", new ComponentContext(StepName: "transform"));

        var borrowed = profiler.Predict("other/transform", new ComponentContext(StepName: "transform"));

        Assert.Equal("edge+similar", borrowed.Model);
        var ownWidth = own.ConfidenceInterval.Memory.Upper - own.ConfidenceInterval.Memory.Lower;
        var borrowedWidth = borrowed.ConfidenceInterval.Memory.Upper - borrowed.ConfidenceInterval.Memory.Lower;
        Assert.True(borrowedWidth > ownWidth, $"borrowed interval {borrowedWidth} should be wider than {ownWidth}");
        Assert.True(borrowed.Memory >= own.Memory);
    }

    [Fact]
    public void Predict_NothingSimilar_ReturnsTheFallbackWithAnUnboundedInterval()
    {
        var profile = Profiler().Predict("new/thing", new ComponentContext(StepName: "nothing-like-it"));

        Assert.Equal("fallback", profile.Model);
        Assert.Equal(1024, profile.Memory);
        Assert.Equal(0, profile.ConfidenceInterval.Level);
        Assert.Equal(4096, profile.ConfidenceInterval.Memory.Upper);
    }

    [Fact]
    public void Predict_FewRuns_KeepsEveryNumberFinite()
    {
        var profiler = Profiler();
        Record(profiler, "etl/load", new ComponentContext(), 3);

        var p = profiler.Predict("etl/load", new ComponentContext());

        Assert.All(
            [p.Cpu, p.Memory, p.NetworkBandwidth, p.ConfidenceInterval.Cpu.Upper, p.ConfidenceInterval.Memory.Upper, p.ConfidenceInterval.NetworkBandwidth.Lower],
            v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Predict_CachedEntry_ExpiresAfterItsTtl()
    {
        var profiler = Profiler();
        var context = new ComponentContext(StepName: "transform");
        var first = profiler.Predict("etl/transform", context);

        Assert.Same(first, profiler.Predict("etl/transform", context));
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.NotSame(first, profiler.Predict("etl/transform", context));
    }

    [Fact]
    public void Record_NewRun_InvalidatesTheComponentsCachedPrediction()
    {
        var profiler = Profiler();
        var context = new ComponentContext(StepName: "transform");
        var before = profiler.Predict("etl/transform", context);

        Record(profiler, "etl/transform", context, 3);

        Assert.NotEqual(before.Model, profiler.Predict("etl/transform", context).Model);
    }

    [Fact]
    public void Constructor_InvalidOptions_ReportsEveryError()
    {
        var error = Assert.Throws<ArgumentException>(() => new ComponentProfiler(
            new ComponentProfilerOptions { Recommender = "nope", MaxRunsPerComponent = 0, SimilarWidening = 0.5 }, _time));

        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRunsPerComponent", error.Message, StringComparison.Ordinal);
        Assert.Contains("SimilarWidening", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_SameCommandLine_Borrows()
    {
        var profiler = Profiler();
        Record(profiler, "a/index", new ComponentContext(Command: "/opt/edge/bin/edge-workload --cpu 0.5"), 10);

        var profile = profiler.Predict("b/index", new ComponentContext(Command: "/opt/edge/bin/edge-workload --cpu 0.5"));

        Assert.Equal("edge+similar", profile.Model);
    }

    [Fact]
    public void Predict_SameProgramOtherArguments_BorrowsOnlyWhenTheComponentsAgree()
    {
        var profiler = Profiler();
        profiler.Record(new ComponentRun("a/small", new ComponentContext(Command: "/opt/edge/bin/edge-workload --cpu 0.03"), 1_700_000_000, 0.03, 40, 0, 60));
        var context = new ComponentContext(Command: "/opt/edge/bin/edge-workload --cpu 1.15");

        // One component behind the program says nothing about what else it runs: the fallback.
        Assert.Equal("fallback", profiler.Predict("c/new", context).Model);

        // Two that agree: the program predicts usage, so their runs are borrowed.
        profiler.Record(new ComponentRun("b/small", new ComponentContext(Command: "/opt/edge/bin/edge-workload --cpu 0.04"), 1_700_000_100, 0.04, 45, 0, 60));
        Assert.Equal("edge+similar", profiler.Predict("d/new", context).Model);

        // A third using 30x the CPU: the program says nothing about the work after all.
        profiler.Record(new ComponentRun("e/large", new ComponentContext(Command: "/opt/edge/bin/edge-workload --cpu 1.2"), 1_700_000_200, 1.2, 45, 0, 60));
        Assert.Equal("fallback", profiler.Predict("f/new", context).Model);
    }

    [Theory]
    [InlineData("/bin/sh -c 'x'", "/bin/sh")]
    [InlineData("  prog\targ", "prog")]
    [InlineData("prog", "prog")]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void ProgramOf_CommandLine_IsTheFirstWord(string? commandLine, string? expected) =>
        Assert.Equal(expected, ComponentProfiler.ProgramOf(commandLine));

    private ComponentProfiler Profiler() => new(new ComponentProfilerOptions(), _time);

    private static void Record(ComponentProfiler profiler, string id, ComponentContext context, int runs)
    {
        var random = new Random(id.Length);
        for (var i = 0; i < runs; i++)
        {
            profiler.Record(new ComponentRun(id, context, 1_700_000_000 + (i * 600), 0.5 + (0.1 * random.NextDouble()), 500 + (50 * random.NextDouble()), 10, 60));
        }
    }
}
