using System.Diagnostics;
using Edge.Agent.Cgroups;
using Edge.Agent.Sampling;
using Edge.Common.Contracts;

namespace Edge.Benchmarks.AgentOverhead;

/// <summary>
/// In-process cost of one tick of each node sampler on this machine's real /proc: managed bytes allocated and
/// microseconds, averaged over many ticks. The samples themselves (one record each) are part of the allocation.
/// With real cgroups (v1 or v2, as root), also the cgroup scanner over <see cref="Groups"/> empty groups made for it
/// under a parent of its own (and removed after): the per-instance share of a tick that node_exporter does not have.
/// </summary>
internal static class SamplerCost
{
    private const int Ticks = 2000;
    private const int Groups = 50;

    public static void Print()
    {
        IMetricSource[] sources = [new CpuSampler(ProcPaths.Default), new MemorySampler(ProcPaths.Default), new NetworkSampler(ProcPaths.Default), new PressureSampler(ProcPaths.Default)];
        Console.WriteLine($"{"sampler",-18} {"bytes/tick",10} {"µs/tick",8} {"samples",8}");
        foreach (var source in sources)
        {
            Measure(source.GetType().Name, source, Ticks);
        }

        var layout = CgroupLayout.Detect();
        if (!LibC.IsRoot || layout.Mode == CgroupMode.None)
        {
            return;
        }

        var parent = $"edge-bench-cost-{Environment.ProcessId}";
        var driver = CgroupDriverFactory.Create("auto", parent, layout, v2Root: null, isRoot: true, out _);
        try
        {
            for (var i = 0; i < Groups; i++)
            {
                driver.Create($"g{i:D2}");
            }

            Measure($"CgroupScanner ({Groups} groups, {driver.Mode})", new CgroupScanner(driver), Ticks / 10);
        }
        finally
        {
            foreach (var group in driver.ListGroups())
            {
                driver.Remove(group);
            }

            driver.Remove("");
        }
    }

    private static void Measure(string name, IMetricSource source, int ticks)
    {
        var samples = new List<MetricSample>(256);
        for (var i = 0; i < 50; i++)
        {
            samples.Clear();
            source.Collect(i * 1000L, samples); // warm up: JIT, buffers, interface tables
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < ticks; i++)
        {
            samples.Clear();
            source.Collect((50 + i) * 1000L, samples);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)ticks;
        Console.WriteLine($"{name,-18} {bytes,10:F0} {elapsed.TotalMicroseconds / ticks,8:F1} {samples.Count,8}");
    }
}
