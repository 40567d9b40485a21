using System.Diagnostics;
using Edge.Agent.Sampling;
using Edge.Common.Contracts;

namespace Edge.Benchmarks.AgentOverhead;

/// <summary>
/// In-process cost of one tick of each node sampler on this machine's real /proc: managed bytes allocated and
/// microseconds, averaged over many ticks. The samples themselves (one record each) are part of the allocation.
/// </summary>
internal static class SamplerCost
{
    private const int Ticks = 2000;

    public static void Print()
    {
        IMetricSource[] sources = [new CpuSampler(ProcPaths.Default), new MemorySampler(ProcPaths.Default), new NetworkSampler(ProcPaths.Default), new PressureSampler(ProcPaths.Default)];
        Console.WriteLine($"{"sampler",-18} {"bytes/tick",10} {"µs/tick",8} {"samples",8}");
        var samples = new List<MetricSample>(256);
        foreach (var source in sources)
        {
            for (var i = 0; i < 50; i++)
            {
                samples.Clear();
                source.Collect(i * 1000L, samples); // warm up: JIT, buffers, interface tables
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < Ticks; i++)
            {
                samples.Clear();
                source.Collect((50 + i) * 1000L, samples);
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Ticks;
            Console.WriteLine($"{source.GetType().Name,-18} {bytes,10:F0} {elapsed.TotalMicroseconds / Ticks,8:F1} {samples.Count,8}");
        }
    }
}
