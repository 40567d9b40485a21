using Edge.Agent.Configuration;
using Edge.Agent.Dotnet;
using Edge.Common.Contracts;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Tests.Dotnet;

public sealed class DotnetCounterSourceTests : IDisposable
{
    private readonly TempDirectory _dir = TestSupport.TempDir();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Collect_RealChildDotnetProcess_ReportsRuntimeCountersThenForgetsItWhenItExits()
    {
        using var child = new ChildAgent(_dir.Path);
        await Poll.UntilAsync(() => child.HasExited || DiagnosticsClient.GetPublishedProcesses().Contains(child.Pid), "the child's diagnostics port");
        Assert.False(child.HasExited, child.StandardError);
        using (var capped = Create(child.Pid, maxProcesses: 0))
        {
            capped.Discover();
            Assert.Empty(capped.WatchedPids);
        }

        using var source = Create(child.Pid);
        source.Discover();
        Assert.Equal([child.Pid], source.WatchedPids);
        var scope = MetricNames.DotnetScopePrefix + child.Pid;
        var samples = new List<MetricSample>();
        await Poll.UntilAsync(() =>
        {
            samples.Clear();
            source.Collect(0, samples);
            return samples.Count == 4;
        }, "all four runtime counters");

        Assert.All(samples, s => Assert.Equal(scope, s.Scope));
        Assert.InRange(Value(samples, DotnetMetricNames.WorkingSetMiB), 5, 4096);
        Assert.InRange(Value(samples, DotnetMetricNames.GcHeapMiB), 0.01, 4096);
        Assert.InRange(Value(samples, DotnetMetricNames.CpuPercent), 0, 100);
        Assert.True(Value(samples, DotnetMetricNames.ThreadPoolQueueLength) >= 0);

        child.Kill();
        await Poll.UntilAsync(() =>
        {
            samples.Clear();
            source.Collect(0, samples);
            return source.WatchedPids.Count == 0;
        }, "the exited process's session to close");
        Assert.Empty(samples);
    }

    [Fact]
    public void Discover_OwnProcess_IsNeverWatched()
    {
        using var source = Create(Environment.ProcessId);

        source.Discover();

        Assert.Empty(source.WatchedPids);
    }

    private static DotnetCounterSource Create(int onlyPid, int maxProcesses = 8) =>
        new(Options.Create(new AgentOptions { SampleInterval = TimeSpan.FromSeconds(1), DotnetCounters = new() { MaxProcesses = maxProcesses } }), TimeProvider.System, TestSupport.NewMetrics(), NullLogger<DotnetCounterSource>.Instance)
        {
            MayWatch = pid => pid == onlyPid,
        };

    private static double Value(List<MetricSample> samples, string metric) => Assert.Single(samples, s => s.Metric == metric).Value;
}
