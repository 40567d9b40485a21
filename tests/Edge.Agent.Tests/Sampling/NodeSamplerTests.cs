using Edge.Agent.Sampling;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Sampling;

public sealed class NodeSamplerTests : IDisposable
{
    private readonly TempDirectory _root = TestSupport.TempDir();
    private readonly ProcPaths _paths;

    public NodeSamplerTests()
    {
        _paths = new ProcPaths(_root.Combine("proc"), _root.Combine("sys"));
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public void CpuSampler_TwoTicks_ReportsPerCoreAndTotalFromDeltas()
    {
        var sampler = new CpuSampler(_paths);
        var samples = new List<MetricSample>();
        _root.Write("proc/stat", "cpu 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0\n");
        sampler.Collect(0, samples);
        Assert.Empty(samples);

        // core 0: 100 busy of 100; core 1: 25 busy of 100 => node 62.5 %, 1.25 cores.
        _root.Write("proc/stat", "cpu 125 0 0 75 0 0 0 0\ncpu0 100 0 0 0 0 0 0 0\ncpu1 20 0 5 75 0 0 0 0\n");
        sampler.Collect(1000, samples);

        Assert.Equal(100, Value(samples, MetricNames.CoreUtilisation(0)));
        Assert.Equal(25, Value(samples, MetricNames.CoreUtilisation(1)));
        Assert.Equal(62.5, Value(samples, MetricNames.CpuUtilisationPercent));
        Assert.Equal(1.25, Value(samples, MetricNames.CpuCores));
    }

    [Fact]
    public void NetworkSampler_TwoTicks_ReportsRatesAndTotalsWithoutLoopback()
    {
        var sampler = new NetworkSampler(_paths);
        var samples = new List<MetricSample>();
        _root.Write("proc/net/dev", NetDev(lo: 0, eth0: 0));
        sampler.Collect(0, samples);
        Assert.Empty(samples);

        _root.Write("proc/net/dev", NetDev(lo: 5_000_000, eth0: 2_500_000));
        sampler.Collect(2000, samples);

        Assert.Equal(1_250_000, Value(samples, "net.eth0.rx.bytes_per_s"));
        Assert.Equal(2_500_000, Value(samples, "net.lo.rx.bytes_per_s"));
        Assert.Equal(10, Value(samples, MetricNames.NetworkRxMbps), 6); // 1.25 MB/s = 10 Mbit/s, loopback excluded
    }

    [Fact]
    public void MemoryAndPressureSamplers_HandMadeFiles_ReportValues()
    {
        _root.Write("proc/meminfo", "MemTotal: 1048576 kB\nMemAvailable: 262144 kB\n");
        _root.Write("proc/pressure/memory", "some avg10=1.50 avg60=0 avg300=0 total=0\nfull avg10=0.50 avg60=0 avg300=0 total=0\n");
        var samples = new List<MetricSample>();

        new MemorySampler(_paths).Collect(0, samples);
        new PressureSampler(_paths).Collect(0, samples);

        Assert.Equal(768, Value(samples, MetricNames.MemoryUsedMiB));
        Assert.Equal(1.5, Value(samples, MetricNames.Pressure("memory", "some")));
        Assert.Equal(0.5, Value(samples, MetricNames.Pressure("memory", "full")));
        Assert.DoesNotContain(samples, s => s.Metric.StartsWith("psi.cpu", StringComparison.Ordinal));
    }

    [Fact]
    public void Samplers_RealProc_ReportPlausibleNodeValues()
    {
        var sources = new IMetricSource[] { new CpuSampler(ProcPaths.Default), new MemorySampler(ProcPaths.Default), new NetworkSampler(ProcPaths.Default), new PressureSampler(ProcPaths.Default) };
        var samples = new List<MetricSample>();
        foreach (var source in sources)
        {
            source.Collect(0, samples);
        }

        samples.Clear();
        Thread.SpinWait(1000);
        foreach (var source in sources)
        {
            source.Collect(200, samples);
        }

        Assert.InRange(Value(samples, MetricNames.CpuCores), 0, TestSupport.KernelCores());
        Assert.InRange(Value(samples, MetricNames.CpuUtilisationPercent), 0, 100);
        Assert.Equal(TestSupport.KernelCores(), samples.Count(s => s.Metric.StartsWith("cpu.core.", StringComparison.Ordinal)));
        Assert.True(Value(samples, MetricNames.MemoryTotalMiB) > 0);
        Assert.True(Value(samples, MetricNames.NetworkRxMbps) >= 0);
        Assert.All(samples, s => Assert.Equal(MetricNames.NodeScope, s.Scope));
    }

    [Fact]
    public void NodeCapacityProbe_RealProc_MatchesKernelCoresAndMemTotal()
    {
        var capacity = NodeCapacityProbe.Detect(ProcPaths.Default);

        Assert.Equal(TestSupport.KernelCores() * 1000, capacity.CpuMillicores);
        Assert.True(capacity.MemoryMiB > 0);
    }

    private static double Value(List<MetricSample> samples, string metric) => Assert.Single(samples, s => s.Metric == metric).Value;

    private static string NetDev(long lo, long eth0) => $"""
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo: {lo} 1 0 0 0 0 0 0 {lo} 1 0 0 0 0 0 0
          eth0: {eth0} 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0
        """;
}
