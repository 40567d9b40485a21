using System.Diagnostics.Metrics;
using Edge.Agent.Publishing;
using Edge.Agent.Sampling;
using Edge.Common.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Agent.Tests.Publishing;

public sealed class MetricsLoopTests : IDisposable
{
    private readonly TempDirectory _dir = TestSupport.TempDir();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Ticks_FakeTime_OneBatchPerIntervalWithSequenceAndSamplesDespiteFailingSource()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        _dir.Write("proc/meminfo", "MemTotal: 2097152 kB\nMemAvailable: 1048576 kB\n");
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddProvider(new ErrorLog()));
        services.AddSingleton<TimeProvider>(time);
        services.AddEdgeAgent(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Agent:NodeId"] = "loop-node",
                ["Agent:Mqtt:BrokerUrl"] = "mqtt://127.0.0.1:1",
                ["Agent:SpoolDirectory"] = _dir.Combine("spool"),
                ["Agent:SampleInterval"] = "00:00:01",
            }).Build(),
            new ProcPaths(_dir.Combine("proc"), _dir.Combine("sys")));
        services.AddSingleton<IMetricSource, ThrowingSource>();
        await using var provider = services.BuildServiceProvider();
        var loop = provider.GetRequiredService<MetricsLoop>();
        var meterFactory = provider.GetRequiredService<IMeterFactory>();
        long samplerErrors = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "edge.agent.sampler.errors" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref samplerErrors, value));
        listener.Start();

        await loop.StartAsync(ct);
        for (var i = 1; i <= 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Poll.UntilAsync(() => provider.GetRequiredService<SpooledPublisher>().Spooled == i, $"batch {i} spooled");
        }

        await loop.StopAsync(ct);

        var spool = provider.GetRequiredService<OfflineSpool>();
        var batches = new List<MetricBatch>();
        while (spool.Peek() is { } record)
        {
            Assert.Equal("edge/v1/nodes/loop-node/metrics", record.Topic);
            batches.Add(PayloadCodec.Decode(record.Payload, EdgeJsonContext.Default.MetricBatch).Value!);
            spool.RemoveHead();
        }

        Assert.Equal([1L, 2L, 3L], batches.Select(b => b.Sequence));
        Assert.Equal([1000L, 2000L, 3000L], batches.Select(b => b.TimestampMs - start.ToUnixTimeMilliseconds()));
        Assert.All(batches, b => Assert.Contains(b.Samples, s => s.Metric == MetricNames.MemoryUsedMiB && s.Value == 1024));
        Assert.Equal(3, Interlocked.Read(ref samplerErrors));
    }

    private sealed class ThrowingSource : IMetricSource
    {
        public void Collect(long nowMs, List<MetricSample> samples) => throw new InvalidOperationException("sampler bug");
    }
}
