using System.Text;
using Edge.Agent.Publishing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Agent.Tests.Publishing;

public sealed class OfflineSpoolTests : IDisposable
{
    private readonly TempDirectory _dir = TestSupport.TempDir();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void PeekRemove_AppendedRecords_ComeBackInOrder()
    {
        using var spool = Open();
        for (var i = 0; i < 50; i++)
        {
            spool.Append(i % 5 == 0 ? SpoolRecordKind.Event : SpoolRecordKind.MetricBatch, $"t/{i}", Payload(i));
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"t/{i}"), DrainTopics(spool));
        Assert.Equal(0, spool.Count);
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Open_AfterRestart_KeepsUnacknowledgedRecordsInOrder()
    {
        using (var first = Open())
        {
            for (var i = 0; i < 10; i++)
            {
                first.Append(SpoolRecordKind.MetricBatch, $"t/{i}", Payload(i));
            }

            for (var i = 0; i < 3; i++)
            {
                Assert.NotNull(first.Peek());
                first.RemoveHead();
            }
        }

        using var second = Open();
        Assert.Equal(7, second.Count);
        second.Append(SpoolRecordKind.Event, "t/10", Payload(10));
        var records = new List<SpoolRecord>();
        while (second.Peek() is { } record)
        {
            records.Add(record);
            second.RemoveHead();
        }

        Assert.Equal(Enumerable.Range(3, 8).Select(i => $"t/{i}"), records.Select(r => r.Topic));
        Assert.Equal(Payload(3), records[0].Payload);
        Assert.Equal(SpoolRecordKind.Event, records[^1].Kind);
    }

    [Fact]
    public void Append_WhenFull_DropsOldestMetricBatchesOnlyAndCountsThem()
    {
        const int max = 64 * 1024;
        using var spool = Open(max);
        var dropped = 0;
        var appended = new List<(SpoolRecordKind Kind, int Index)>();
        for (var i = 0; i < 200; i++)
        {
            var kind = i % 10 == 0 ? SpoolRecordKind.Event : SpoolRecordKind.MetricBatch;
            dropped += spool.Append(kind, $"t/{i}", Payload(i, 1000));
            appended.Add((kind, i));
            Assert.True(spool.Bytes <= max, $"spool holds {spool.Bytes} bytes, more than {max}");
        }

        Assert.True(dropped > 0);
        Assert.Equal(dropped, spool.DroppedMetricBatches);
        var left = DrainTopics(spool).Select(t => int.Parse(t[2..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(200 - dropped, left.Count);
        // Every event survives, the order is kept, and the newest batches are the ones kept.
        Assert.All(appended.Where(a => a.Kind == SpoolRecordKind.Event), e => Assert.Contains(e.Index, left));
        Assert.Equal(left.Order(), left);
        Assert.Contains(199, left);
        var firstKeptMetric = left.First(i => i % 10 != 0);
        Assert.All(Enumerable.Range(firstKeptMetric, 200 - firstKeptMetric), i => Assert.Contains(i, left));
    }

    [Fact]
    public void Append_OnlyEventsAndFull_KeepsEventsBeyondTheBound()
    {
        using var spool = Open(64 * 1024);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(0, spool.Append(SpoolRecordKind.Event, $"e/{i}", Payload(i, 1000)));
        }

        Assert.Equal(1, spool.Append(SpoolRecordKind.MetricBatch, "m", Payload(0, 1000)));
        Assert.Equal(100, DrainTopics(spool).Count);
    }

    [Fact]
    public void Open_CorruptRecord_IsSkippedAndCountedOthersKept()
    {
        using (var first = Open())
        {
            for (var i = 0; i < 5; i++)
            {
                first.Append(SpoolRecordKind.MetricBatch, $"t/{i}", Payload(i, 100));
            }
        }

        var segment = Assert.Single(Directory.GetFiles(_dir.Path, "*.seg"));
        var bytes = File.ReadAllBytes(segment);
        var recordLength = bytes.Length / 5;
        bytes[(recordLength * 1) + 40] ^= 0xFF; // payload of record 1: CRC mismatch
        bytes[(recordLength * 3) + 1] ^= 0xFF;  // magic of record 3: header unreadable
        File.WriteAllBytes(segment, bytes);

        using var second = Open();

        Assert.Equal(["t/0", "t/2", "t/4"], DrainTopics(second));
        Assert.Equal(2, second.CorruptRecords);
    }

    [Fact]
    public void Open_TruncatedTail_SkipsTornRecord()
    {
        using (var first = Open())
        {
            first.Append(SpoolRecordKind.Event, "t/0", Payload(0, 100));
            first.Append(SpoolRecordKind.Event, "t/1", Payload(1, 100));
        }

        var segment = Assert.Single(Directory.GetFiles(_dir.Path, "*.seg"));
        var bytes = File.ReadAllBytes(segment);
        File.WriteAllBytes(segment, bytes[..^30]);

        using var second = Open();

        Assert.Equal(["t/0"], DrainTopics(second));
        Assert.Equal(1, second.CorruptRecords);
    }

    private OfflineSpool Open(long maxBytes = 1 << 20) =>
        OfflineSpool.Open(_dir.Path, maxBytes, NullLogger.Instance, TestSupport.NewMetrics());

    private static byte[] Payload(int i, int size = 16)
    {
        var payload = new byte[size];
        Encoding.ASCII.GetBytes($"payload-{i}-").CopyTo(payload, 0);
        return payload;
    }

    private static List<string> DrainTopics(OfflineSpool spool)
    {
        var topics = new List<string>();
        while (spool.Peek() is { } record)
        {
            topics.Add(record.Topic);
            spool.RemoveHead();
        }

        return topics;
    }
}
