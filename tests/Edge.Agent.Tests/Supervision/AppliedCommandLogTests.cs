using Edge.Agent.Supervision;

namespace Edge.Agent.Tests.Supervision;

public sealed class AppliedCommandLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-applied-").FullName;

    [Fact]
    public void Record_ThenReload_RemembersLatestOutcomePerId()
    {
        using (var log = new AppliedCommandLog(_dir, keep: 100))
        {
            log.Record(new AppliedCommand("c1", CommandOutcome.Accepted, "i1", null));
            log.Record(new AppliedCommand("c1", CommandOutcome.Completed, "i1", null));
            log.Record(new AppliedCommand("c2", CommandOutcome.Rejected, null, "unknown instance 'x'"));
        }

        using var reloaded = new AppliedCommandLog(_dir, keep: 100);

        Assert.True(reloaded.TryGet("c1", out var c1));
        Assert.Equal(CommandOutcome.Completed, c1.Outcome);
        Assert.True(reloaded.TryGet("c2", out var c2));
        Assert.Equal("unknown instance 'x'", c2.Reason);
        Assert.False(reloaded.TryGet("c3", out _));
    }

    [Fact]
    public void Record_BeyondKeep_ForgetsOldestAndCompactsFile()
    {
        using (var log = new AppliedCommandLog(_dir, keep: 10))
        {
            for (var i = 0; i < 25; i++)
            {
                log.Record(new AppliedCommand($"c{i}", CommandOutcome.Completed, null, null));
            }
        }

        using var reloaded = new AppliedCommandLog(_dir, keep: 10);

        Assert.Equal(10, reloaded.Count);
        Assert.False(reloaded.TryGet("c14", out _));
        Assert.True(reloaded.TryGet("c15", out _));
        Assert.True(File.ReadLines(Path.Combine(_dir, "applied-commands.jsonl")).Count() <= 20);
    }

    [Fact]
    public void Load_TornLastLine_IsIgnoredAndNextRecordSurvives()
    {
        File.WriteAllText(Path.Combine(_dir, "applied-commands.jsonl"),
            "{\"CommandId\":\"c1\",\"Outcome\":\"Completed\"}\n{\"CommandId\":\"c2\",\"Outc");

        using (var log = new AppliedCommandLog(_dir, keep: 10))
        {
            Assert.True(log.TryGet("c1", out _));
            Assert.False(log.TryGet("c2", out _));
            log.Record(new AppliedCommand("c3", CommandOutcome.Completed, null, null));
        }

        using var reloaded = new AppliedCommandLog(_dir, keep: 10);
        Assert.True(reloaded.TryGet("c3", out _));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Record_OnAFullDevice_IsCountedNotThrown_AndTheFileStaysReadable()
    {
        using var device = new SmallTmpfs("256k");
        var failures = new List<string>();
        using (var log = new AppliedCommandLog(device.Path, keep: 100_000, failures.Add))
        {
            log.Record(new AppliedCommand("before", CommandOutcome.Completed, "i0", null));
            device.Fill();

            // Long reasons, so the records cannot fit in whatever the filesystem still had.
            var reason = new string('x', 2000);
            for (var i = 0; i < 50; i++)
            {
                log.Record(new AppliedCommand($"full-{i}", CommandOutcome.Rejected, null, reason));
            }

            Assert.True(log.WriteFailures > 0, "the full device was noticed");
            Assert.Equal(log.WriteFailures, failures.Count);
            Assert.NotNull(log.LastWriteError);
            Assert.True(log.TryGet("full-49", out _), "memory keeps what was applied");

            device.Free();
            var before = log.WriteFailures;
            log.Record(new AppliedCommand("after", CommandOutcome.Accepted, "i1", null));
            Assert.Equal(before, log.WriteFailures);
        }

        using var reloaded = new AppliedCommandLog(device.Path, keep: 100_000);
        Assert.True(reloaded.TryGet("before", out var first));
        Assert.Equal(CommandOutcome.Completed, first.Outcome);
        Assert.True(reloaded.TryGet("after", out var after), "the record written once the disk had room again is read back");
        Assert.Equal("i1", after.InstanceId);
    }
}
