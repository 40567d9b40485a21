using System.Diagnostics;
using Edge.Common.Contracts;
using Edge.Controller.History;
using Edge.Controller.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Benchmarks.Ingest;

/// <summary>The FASTER history writer alone (no MQTT, no JSON): how many samples per second one writer session appends.</summary>
internal static class StoreOnlyPhase
{
    public static async Task<(long Samples, TimeSpan Elapsed)> RunAsync(IngestBenchmarkOptions options)
    {
        var directory = Path.Combine(Path.GetTempPath(), "edge-store-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var store = new FasterHistoryStore(new HistoryOptions(), directory, TimeProvider.System, NullLogger<FasterHistoryStore>.Instance);
            await store.OpenAsync(CancellationToken.None);
            using var writer = store.OpenWriter();
            var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var batches = new List<MetricBatch>();
            for (var i = 0; i < 20_000; i++)
            {
                var agent = i % options.Agents;
                batches.Add(AgentBatchFactory.Create($"bench-{agent:D4}", i, start + (i / options.Agents * 1000L), options.SamplesPerBatch));
            }

            var stopwatch = Stopwatch.StartNew();
            long samples = 0;
            foreach (var batch in batches)
            {
                samples += writer.Append(batch).SamplesStored;
            }

            return (samples, stopwatch.Elapsed);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
