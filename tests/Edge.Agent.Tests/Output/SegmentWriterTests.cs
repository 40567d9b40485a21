using System.Diagnostics;
using System.Text;
using Edge.Agent.Cgroups;
using Edge.Agent.Output;

namespace Edge.Agent.Tests.Output;

public sealed class SegmentWriterTests
{
    private static readonly OutputLimits Small = new(SegmentBytes: 4096, Segments: 2, Retention: TimeSpan.FromDays(1));

    [Fact]
    public void Append_BeyondTheSegments_KeepsAtMostSegmentsTimesSizeAndTheNewestBytes()
    {
        using var dir = new TempDirectory();
        var written = Enumerable.Range(0, 10_000).Select(i => (byte)('a' + (i % 26))).ToArray();
        using (var writer = new SegmentWriter(dir.Path, "stdout", Small))
        {
            // Odd-sized writes, so rotation splits writes.
            for (var at = 0; at < written.Length; at += 777)
            {
                writer.Append(written.AsSpan(at, Math.Min(777, written.Length - at)));
            }

            Assert.Equal(10_000, writer.Total);
        }

        var segments = OutputSegments.List(dir.Path, "stdout");
        Assert.Equal(2, segments.Count);
        Assert.Equal([4096L, 8192L], segments.Select(s => s.Start));
        Assert.Equal(4096 + 1808, segments.Sum(s => new FileInfo(s.Path).Length));
        Assert.All(segments, s => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(s.Path)));

        var (total, offset, data) = OutputSegments.ReadTail(dir.Path, "stdout", 1 << 20);
        Assert.Equal(10_000, total);
        Assert.Equal(4096, offset);
        Assert.Equal(written[4096..], data);

        var (_, tailOffset, tail) = OutputSegments.ReadTail(dir.Path, "stdout", 100);
        Assert.Equal(9900, tailOffset);
        Assert.Equal(written[9900..], tail);
    }

    [Fact]
    public void NewWriter_OnExistingSegments_ContinuesTheStream()
    {
        using var dir = new TempDirectory();
        using (var first = new SegmentWriter(dir.Path, "stderr", Small))
        {
            first.Append(new byte[5000]);
        }

        using (var second = new SegmentWriter(dir.Path, "stderr", Small))
        {
            Assert.Equal(5000, second.Total);
            second.Note("the agent restarted");
        }

        var (total, offset, data) = OutputSegments.ReadTail(dir.Path, "stderr", 1 << 20);
        Assert.Equal(0, offset);
        Assert.Equal(total, data.Length);
        Assert.EndsWith("[edge-agent: the agent restarted]\n", Encoding.UTF8.GetString(data), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_DiskFull_DropsCountsAndSaysSoInTheFileOnceThereIsRoomAgain()
    {
        Assert.SkipUnless(LibC.IsRoot, "needs root to mount a small tmpfs");
        using var dir = new TempDirectory();
        var mount = dir.Combine("small");
        Directory.CreateDirectory(mount);
        Assert.Equal(0, await RunAsync("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount));
        try
        {
            using var writer = new SegmentWriter(mount, "stdout", new OutputLimits(1 << 20, 2, TimeSpan.FromDays(1)));
            writer.Append("before\n"u8);
            var filler = Path.Combine(mount, "filler");
            await File.WriteAllBytesAsync(filler, new byte[40 << 10], TestContext.Current.CancellationToken);

            writer.Append(new byte[48 << 10]);

            Assert.True(writer.Dropped > 0, $"dropped {writer.Dropped}");
            File.Delete(filler);
            writer.Append("after\n"u8);
            var text = Encoding.UTF8.GetString(OutputSegments.ReadTail(mount, "stdout", 1 << 20).Data);
            Assert.StartsWith("before\n", text, StringComparison.Ordinal);
            Assert.Contains($"[edge-agent: {writer.Dropped} bytes of stdout were dropped:", text, StringComparison.Ordinal);
            Assert.EndsWith("after\n", text, StringComparison.Ordinal);
        }
        finally
        {
            await RunAsync("umount", mount);
        }
    }

    private static async Task<int> RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return process.ExitCode;
    }

    private static UnixFileMode ModeOf(string path) => OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(path);
}
