using Edge.Models.Profiling;
using Edge.Models.Signals;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Models.Tests.Profiling;

/// <summary><see cref="ComponentProfiler.Signals"/>: announced work near the decision applies SignalAwareRecommender's rule.</summary>
public sealed class ComponentProfilerSignalsTests
{
    private const string Component = "etl/transform";
    private const long NowS = 1_700_100_000;
    private const long HalfHourS = 1800;
    private static readonly ComponentContext Context = new(StepName: "transform");

    /// <summary>Three past announced windows of volume 10, each holding runs of 2000 MiB and 2 cores: 200 MiB and 0.2 core per unit.</summary>
    private static readonly WorkSignal[] Past = [.. new[] { 20, 16, 12 }.Select(h => new WorkSignal(NowS - (h * 3600), NowS - (h * 3600), NowS - (h * 3600) + HalfHourS, 10))];

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(NowS));

    [Fact]
    public void Predict_RaisedByTheAnnouncedVolumeOnlyWhileTheWindowIsNearTheDecision_CachedUntilItEntersOrLeaves()
    {
        var signals = new List<WorkSignal>(Past);
        var profiler = Profiler(() => signals);
        var plain = Profiler(null);

        // Past windows only: nothing changes.
        AssertUnchanged(profiler.Predict(Component, Context), plain);

        // A burst of volume 20 announced to start 1 h 1 min from now, just beyond the 1 h horizon: still unchanged
        // (and cached, at most until the window enters the horizon).
        var start = NowS + 3600 + 60;
        signals.Add(new WorkSignal(NowS, start, start + HalfHourS, 20));
        profiler.InvalidateAll();
        AssertUnchanged(profiler.Predict(Component, Context), plain);

        // 61 s later the window is within the horizon: the cached prediction has expired (well before the 5 min cache
        // time-to-live) and the limit is the volume × the learned ratio (every ratio is 200 MiB and 0.2 core per unit).
        _time.Advance(TimeSpan.FromSeconds(61));
        var during = profiler.Predict(Component, Context);
        Assert.Equal("edge+signals", during.Model);
        Assert.Equal(20 * 200, during.Memory, 6);
        Assert.Equal(20 * 0.2 * 1000, during.Cpu, 6);
        Assert.True(during.ConfidenceInterval.Memory.Upper >= during.Memory);

        // A minute before the window ends it still applies; a second after its end the normal profile is back, though
        // the raised one was cached a minute earlier.
        _time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(start + HalfHourS - 60));
        Assert.Equal("edge+signals", profiler.Predict(Component, Context).Model);
        _time.Advance(TimeSpan.FromSeconds(62));
        AssertUnchanged(profiler.Predict(Component, Context), plain);
    }

    [Fact]
    public void Predict_FewerThanThreeLearnedRatios_TakesThePeakOfTheLastSevenDays()
    {
        var profiler = Profiler((_, _) => [Past[0], new WorkSignal(NowS, NowS + 600, NowS + 1200, 1)], bursts: [Past[0]]);

        var p = profiler.Predict(Component, Context);

        Assert.Equal("edge+signals", p.Model);
        Assert.Equal(2000, p.Memory, 6);
        Assert.Equal(2000, p.Cpu, 6);
    }

    [Fact]
    public void Predict_InvalidOrForeignSignals_ChangeNothing()
    {
        var plain = Profiler(null);
        var invalid = Profiler(() => [.. Past, new WorkSignal(NowS, NowS + 600, NowS + 300, 20), new WorkSignal(NowS, NowS + 600, NowS + 1200, double.NaN), null!]);
        AssertUnchanged(invalid.Predict(Component, Context), plain);

        // The provider is asked for this component and step: a window active for another one is not applied here.
        var asked = new List<(string, string?)>();
        var other = Profiler((id, context) =>
        {
            asked.Add((id, context.StepName));
            return id == "etl/other" ? [.. Past, new WorkSignal(NowS, NowS + 600, NowS + 1200, 20)] : Past;
        });
        AssertUnchanged(other.Predict(Component, Context), plain);
        Assert.Contains((Component, "transform"), asked);
    }

    private void AssertUnchanged(Edge.Common.Contracts.PredictionProfile p, ComponentProfiler plain)
    {
        var expected = plain.Predict(Component, Context);
        plain.InvalidateAll();
        Assert.Equal("edge", p.Model);
        Assert.Equal(expected.Memory, p.Memory);
        Assert.Equal(expected.Cpu, p.Cpu);
        Assert.Equal(expected.ConfidenceInterval, p.ConfidenceInterval);
    }

    private ComponentProfiler Profiler(Func<IReadOnlyList<WorkSignal>>? signals) =>
        Profiler(signals is null ? null : (_, _) => signals());

    private ComponentProfiler Profiler(Func<string, ComponentContext, IReadOnlyList<WorkSignal>>? signals, WorkSignal[]? bursts = null)
    {
        bursts ??= Past;
        var profiler = new ComponentProfiler(new ComponentProfilerOptions(), _time) { Signals = signals };

        // A run every 10 minutes for a day: about 200 MiB and 0.5 core, 2000 MiB and 2 cores inside the burst windows.
        for (var t = NowS - (24 * 3600); t < NowS; t += HalfHourS / 3)
        {
            var burst = bursts.Any(s => s.StartS <= t && t <= s.EndS);
            var wobble = 1 + (0.05 * Math.Sin(t / 997.0));
            profiler.Record(new ComponentRun(Component, Context, t, burst ? 2 : 0.5 * wobble, burst ? 2000 : 200 * wobble, 0, 60));
        }

        return profiler;
    }
}
