using Edge.Common.Contracts;
using Edge.Controller.History;
using Edge.Controller.Options;
using Edge.Controller.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Controller.Tests.History;

public sealed class FasterHistoryStoreTests : IDisposable
{
    private const long T0 = 1_700_000_040_000; // a minute boundary, so buckets are easy to reason about
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(T0));

    [Fact]
    public void Query_AfterDataSpillsToDisk_CompletesPendingReads()
    {
        // 64 KiB of log memory holds about 80 blocks; 3 series x 120 minutes is well over that.
        using var store = Open(new HistoryOptions { MemorySizeBytes = 1 << 16, PageSizeBytes = 1 << 12, IndexSizeBytes = 1 << 16 });
        using (var writer = store.OpenWriter())
        {
            for (var minute = 0; minute < 120; minute++)
            {
                for (var s = 0; s < 2; s++)
                {
                    writer.Append(Batch("n1", (minute * 2) + s, T0 + (minute * 60_000) + (s * 30_000)));
                }
            }
        }

        var series = store.Query("n1", null, null, T0, T0 + (120 * 60_000), TestContext.Current.CancellationToken);

        Assert.True(store.PendingReads > 0, "the oldest buckets were expected to be read back from disk");
        Assert.Equal(3, series.Count);
        foreach (var s in series)
        {
            Assert.Equal(240, s.Points.Count);
            Assert.Equal(Enumerable.Range(0, 240).Select(i => T0 + (i * 30_000L)), s.Points.Select(p => p.TimestampMs));
        }

        Assert.Equal(Enumerable.Range(0, 240).Select(i => (double)i), series.Single(s => s.Series.Scope == "node").Points.Select(p => p.Value));
        Assert.Equal(0, store.ActiveSessions);
    }

    [Fact]
    public void Append_MoreSamplesThanABlockInOneBucket_AllStoredInOrder()
    {
        using var store = Open(new HistoryOptions { MemorySizeBytes = 1 << 16, PageSizeBytes = 1 << 12, IndexSizeBytes = 1 << 16 });
        using (var writer = store.OpenWriter())
        {
            // 200 samples 100 ms apart: 20 s within one minute bucket, more than three blocks of 64.
            for (var i = 0; i < 200; i++)
            {
                writer.Append(Batch("n1", i, T0 + (i * 100L), samples: 1));
            }
        }

        var points = store.Query("n1", "node", MetricNames.CpuCores, T0 + 1000, T0 + 18_950, TestContext.Current.CancellationToken).Single().Points;

        Assert.Equal(Enumerable.Range(10, 180).Select(i => T0 + (i * 100L)), points.Select(p => p.TimestampMs));
    }

    [Fact]
    public async Task Reopen_AfterCheckpoint_HistoryAndDuplicatesRecovered()
    {
        var options = new HistoryOptions { MemorySizeBytes = 1 << 16, PageSizeBytes = 1 << 12, IndexSizeBytes = 1 << 16 };
        using (var store = Open(options))
        {
            using var writer = store.OpenWriter();
            for (var i = 0; i < 300; i++)
            {
                writer.Append(Batch("n1", i, T0 + (i * 1000L)));
            }

            Assert.NotNull(await writer.CheckpointAsync(TestContext.Current.CancellationToken));
            Assert.Null(await writer.CheckpointAsync(TestContext.Current.CancellationToken));
        }

        using var reopened = Open(options);
        using var again = reopened.OpenWriter();

        Assert.True(reopened.Recovered);
        Assert.True(again.Append(Batch("n1", 299, T0 + 299_000)).Duplicate);
        Assert.False(again.Append(Batch("n1", 300, T0 + 300_000)).Duplicate);
        var points = reopened.Query("n1", "node", null, T0, T0 + 300_000, TestContext.Current.CancellationToken).Single().Points;
        Assert.Equal(301, points.Count);
        Assert.Equal(3, reopened.ListSeries("n1").Count);
    }

    [Fact]
    public async Task Checkpoint_CancelledWhileInProgress_IsFinishedSoTheShutdownCheckpointKeepsLaterSamples()
    {
        var options = new HistoryOptions { MemorySizeBytes = 1 << 16, PageSizeBytes = 1 << 12, IndexSizeBytes = 1 << 16 };
        using (var store = Open(options))
        {
            using var writer = store.OpenWriter();
            for (var i = 0; i < 50; i++)
            {
                writer.Append(Batch("n1", i, T0 + (i * 1000L)));
            }

            // A periodic checkpoint whose caller (the writer service) is told to stop while it runs; a reader's
            // session that has not refreshed yet holds the checkpoint in progress meanwhile.
            using var stopping = new CancellationTokenSource();
            var reader = store.NewSession();
            reader.Refresh();
            var periodic = writer.CheckpointAsync(stopping.Token);
            await Task.Delay(50, TestContext.Current.CancellationToken);
            await stopping.CancelAsync();
            await Task.Delay(50, TestContext.Current.CancellationToken);
            reader.Refresh();
            reader.Dispose();
            Assert.NotNull(await periodic);

            for (var i = 50; i < 60; i++)
            {
                writer.Append(Batch("n1", i, T0 + (i * 1000L)));
            }

            // The shutdown checkpoint must not be refused as "another one is in progress".
            Assert.NotNull(await writer.CheckpointAsync(CancellationToken.None));
        }

        using var reopened = Open(options);
        var points = reopened.Query("n1", "node", MetricNames.CpuCores, T0, T0 + 60_000, TestContext.Current.CancellationToken).Single().Points;
        Assert.Equal(60, points.Count);
    }

    [Fact]
    public async Task Reopen_NewestCheckpointDamaged_FallsBackToThePreviousAndSaysSo()
    {
        var options = new HistoryOptions { MemorySizeBytes = 1 << 16, PageSizeBytes = 1 << 12, IndexSizeBytes = 1 << 16 };
        Guid older, newest;
        using (var store = Open(options))
        {
            using var writer = store.OpenWriter();
            for (var i = 0; i < 100; i++)
            {
                writer.Append(Batch("n1", i, T0 + (i * 1000L)));
            }

            older = (await writer.CheckpointAsync(TestContext.Current.CancellationToken))!.Value;
            for (var i = 100; i < 200; i++)
            {
                writer.Append(Batch("n1", i, T0 + (i * 1000L)));
            }

            newest = (await writer.CheckpointAsync(TestContext.Current.CancellationToken))!.Value;
            Assert.Equal([newest, older], store.CheckpointTokens());
        }

        // Damage the newest checkpoint on disk: every byte of its log checkpoint files (metadata and snapshot) becomes 0xFF.
        var damagedFiles = Directory.GetFiles(Path.Combine(_dir.Path, "checkpoints", "cpr-checkpoints", newest.ToString()), "*", SearchOption.AllDirectories);
        Assert.NotEmpty(damagedFiles);
        foreach (var file in damagedFiles)
        {
            var length = (int)new FileInfo(file).Length;
            await File.WriteAllBytesAsync(file, Enumerable.Repeat((byte)0xFF, Math.Max(length, 64)).ToArray(), TestContext.Current.CancellationToken);
        }

        var log = new CapturedLog();
        using var reopened = Open(options, log);

        Assert.True(reopened.Recovered);
        Assert.Equal(older, reopened.Recovery.RecoveredFrom);
        Assert.True(reopened.Recovery.FellBack);
        Assert.Equal(newest, Assert.Single(reopened.Recovery.Failures).Token);
        Assert.Contains($"recovered from the older checkpoint {older} after 1 damaged ({newest}:", reopened.Recovery.Describe(), StringComparison.Ordinal);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains($"History checkpoint {newest}", StringComparison.Ordinal) && e.Message.Contains("cannot be recovered", StringComparison.Ordinal));
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains($"recovered from the older checkpoint {older}", StringComparison.Ordinal));
        // The damaged checkpoint is set aside for inspection and no longer counted.
        Assert.True(Directory.Exists(Path.Combine(_dir.Path, "checkpoints-damaged", "cpr-checkpoints", newest.ToString())));
        Assert.Equal([older], reopened.CheckpointTokens());
        // The data is the older checkpoint's: the first 100 batches; the ones after it are gone, so their sequence numbers are new again.
        var points = reopened.Query("n1", "node", null, T0, T0 + 300_000, TestContext.Current.CancellationToken).Single().Points;
        Assert.Equal(Enumerable.Range(0, 100).Select(i => T0 + (i * 1000L)), points.Select(p => p.TimestampMs));
        using var writerAgain = reopened.OpenWriter();
        Assert.True(writerAgain.Append(Batch("n1", 99, T0 + 99_000)).Duplicate);
        Assert.False(writerAgain.Append(Batch("n1", 150, T0 + 150_000)).Duplicate);
    }

    [Fact]
    public async Task Reopen_EveryCheckpointDamaged_StartsEmptyAndSaysSo()
    {
        var options = new HistoryOptions { MemorySizeBytes = 1 << 16, PageSizeBytes = 1 << 12, IndexSizeBytes = 1 << 16 };
        Guid only;
        using (var store = Open(options))
        {
            using var writer = store.OpenWriter();
            writer.Append(Batch("n1", 0, T0));
            only = (await writer.CheckpointAsync(TestContext.Current.CancellationToken))!.Value;
        }

        foreach (var file in Directory.GetFiles(Path.Combine(_dir.Path, "checkpoints", "cpr-checkpoints", only.ToString()), "*", SearchOption.AllDirectories))
        {
            await File.WriteAllBytesAsync(file, Enumerable.Repeat((byte)0xFF, 64).ToArray(), TestContext.Current.CancellationToken);
        }

        var log = new CapturedLog();
        using var reopened = Open(options, log);

        Assert.False(reopened.Recovered);
        Assert.True(reopened.Recovery.Failed);
        Assert.StartsWith("FAILED: none of 1 checkpoints could be recovered", reopened.Recovery.Describe(), StringComparison.Ordinal);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("it starts EMPTY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Checkpoint_KeepsTheConfiguredNumber()
    {
        using var store = Open(new HistoryOptions { MemorySizeBytes = 1 << 16, PageSizeBytes = 1 << 12, IndexSizeBytes = 1 << 16, CheckpointsKept = 2 });
        using var writer = store.OpenWriter();
        var tokens = new List<Guid>();
        for (var round = 0; round < 4; round++)
        {
            writer.Append(Batch("n1", round, T0 + (round * 1000L)));
            tokens.Add((await writer.CheckpointAsync(TestContext.Current.CancellationToken))!.Value);
        }

        Assert.Equal([tokens[3], tokens[2]], store.CheckpointTokens());
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(_dir.Path, "checkpoints", "index-checkpoints")).Length);
    }

    [Fact]
    public void Open_NoCheckpoint_NotRecoveredAndNoFailure()
    {
        using var store = Open(new HistoryOptions { MemorySizeBytes = 1 << 16, PageSizeBytes = 1 << 12, IndexSizeBytes = 1 << 16 });

        Assert.False(store.Recovered);
        Assert.Equal(0, store.Recovery.CheckpointsFound);
        Assert.Null(store.Recovery.RecoveredFrom);
        Assert.Empty(store.Recovery.Failures);
        Assert.Equal("no checkpoint: started empty", store.Recovery.Describe());
    }

    [Fact]
    public void Query_UnknownNodeOrEmptyRange_ReturnsNothing()
    {
        using var store = Open(new HistoryOptions { MemorySizeBytes = 1 << 16, PageSizeBytes = 1 << 12, IndexSizeBytes = 1 << 16 });
        using (var writer = store.OpenWriter())
        {
            writer.Append(Batch("n1", 0, T0));
        }

        Assert.Empty(store.Query("n2", null, null, T0, T0 + 1000, TestContext.Current.CancellationToken));
        Assert.Empty(store.Query("n1", "node", null, T0 + 1, T0 + 1000, TestContext.Current.CancellationToken).Single().Points);
        Assert.False(store.HasNode("n2"));
        Assert.Equal(0, store.ActiveSessions);
    }

    [Fact]
    public async Task ApplyRetention_OldDataOnDisk_DroppedAndRecentKept()
    {
        var options = new HistoryOptions { MemorySizeBytes = 1 << 16, PageSizeBytes = 1 << 12, IndexSizeBytes = 1 << 16, Retention = TimeSpan.FromHours(1) };
        using var store = Open(options);
        using var writer = store.OpenWriter();
        for (var i = 0; i < 100; i++)
        {
            writer.Append(Batch("n1", i, T0 + (i * 60_000L)));
        }

        await writer.CheckpointAsync(TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromHours(2));
        var recentStart = T0 + TimeSpan.FromHours(2).Ticks / TimeSpan.TicksPerMillisecond;
        for (var i = 0; i < 200; i++)
        {
            writer.Append(Batch("n1", 1000 + i, recentStart + (i * 60_000L)));
        }

        await writer.CheckpointAsync(TestContext.Current.CancellationToken);
        var beginBefore = store.Store.Log.BeginAddress;

        var begin = writer.ApplyRetention();

        Assert.True(begin > beginBefore, "the log's head should have been cut");
        var old = store.Query("n1", "node", null, T0, T0 + (100 * 60_000L), TestContext.Current.CancellationToken).Single().Points;
        var recent = store.Query("n1", "node", null, recentStart, recentStart + (200 * 60_000L), TestContext.Current.CancellationToken).Single().Points;
        Assert.True(old.Count < 100, $"expected old samples dropped, found {old.Count}");
        Assert.Equal(200, recent.Count);
    }

    public void Dispose() => _dir.Dispose();

    private FasterHistoryStore Open(HistoryOptions options, CapturedLog? log = null)
    {
        var logger = log is null ? NullLogger<FasterHistoryStore>.Instance : (ILogger<FasterHistoryStore>)new Logger<FasterHistoryStore>(new LoggerFactory([log]));
        var store = new FasterHistoryStore(options, _dir.Path, _time, logger);
        store.OpenAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        return store;
    }

    private static MetricBatch Batch(string node, long sequence, long timestampMs, int samples = 3) =>
        Batches.Batch(node, sequence, timestampMs, samples);
}
