using System.Globalization;
using System.Text;
using Edge.Agent.Cgroups;

namespace Edge.Agent.Tests.Cgroups;

/// <summary>The allocation-free reader of cgroup files agrees with the string parsing it replaced, on real files.</summary>
public sealed class CgroupFileReaderTests
{
    [Theory]
    [InlineData("123\n", 123L)]
    [InlineData("  -1 \n", -1L)]
    [InlineData("9223372036854771712\n", 9223372036854771712L)]
    [InlineData("0", 0L)]
    public void TryParseLong_KernelNumbers_ParseLikeLongTryParse(string text, long expected)
    {
        Assert.True(CgroupFileReader.TryParseLong(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value);
        Assert.Equal(long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("max\n")]
    [InlineData("12 34\n")]
    [InlineData("99999999999999999999\n")]
    public void TryParseLong_NotOneInteger_IsFalse(string text)
    {
        Assert.False(CgroupFileReader.TryParseLong(Encoding.ASCII.GetBytes(text), out _));
        Assert.False(long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public void ParseKeyed_FlatKeyedFile_TakesTwoFieldLinesOnly()
    {
        var text = "nr_periods 40\nnr_throttled 12\nthrottled_time 340000000\nbroken line here\nnr_bursts x\nnr_throttled 13\n"u8;

        CgroupFileReader.ParseKeyed(text, "nr_throttled"u8, out var throttled, "throttled_time"u8, out var time);
        CgroupFileReader.ParseKeyed(text, "nr_bursts"u8, out var bursts, "missing"u8, out var missing);
        CgroupFileReader.ParseKeyed(text, "nr_periods"u8, out var periods, default, out var unused);

        Assert.Equal(13, throttled); // the last line of a repeated key, as the dictionary it replaces
        Assert.Equal(340000000, time);
        Assert.Equal(0, bursts);
        Assert.Equal(0, missing);
        Assert.Equal(40, periods);
        Assert.Equal(0, unused);
    }

    [Fact]
    public void Read_FilesOnDisk_ComposesDirectoryGroupAndFile()
    {
        var root = Directory.CreateTempSubdirectory("edge-cgread-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "i-a"));
            File.WriteAllText(Path.Combine(root, "i-a", "memory.current"), "52428800\n");
            File.WriteAllText(Path.Combine(root, "cpu.stat"), "usage_usec 2500000\nnr_throttled 12\nthrottled_usec 340000\n");
            File.WriteAllText(Path.Combine(root, "i-a", "cpu.max"), "max 100000\n");

            Assert.Equal(52428800, CgroupFileReader.ReadLong(root, "i-a", "memory.current"));
            Assert.Null(CgroupFileReader.ReadLong(root, "i-a", "memory.peak"));
            Assert.Null(CgroupFileReader.ReadLong(root, "i-a", "cpu.max"));
            Assert.Equal("max 100000\n", CgroupFileReader.ReadText(root, "i-a", "cpu.max"));
            Assert.Null(CgroupFileReader.ReadText(root, "gone", "cpu.max"));
            CgroupFileReader.ReadKeyed(root, "", "cpu.stat", "usage_usec"u8, out var usage, "nr_throttled"u8, out var periods, "throttled_usec"u8, out var throttled);
            Assert.Equal((2500000L, 12L, 340000L), (usage, periods, throttled));
            CgroupFileReader.ReadKeyed(root, "gone", "cpu.stat", "usage_usec"u8, out var goneUsage, "nr_throttled"u8, out var gonePeriods);
            Assert.Equal((0L, 0L), (goneUsage, gonePeriods));
            Assert.True(CgroupFileReader.Exists(root, "i-a"));
            Assert.True(CgroupFileReader.Exists(root, ""));
            Assert.False(CgroupFileReader.Exists(root, "gone"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Read_PathLongerThanTheStackBuffer_StillReads()
    {
        var root = Directory.CreateTempSubdirectory("edge-cgread-").FullName;
        try
        {
            var deep = root;
            for (var i = 0; i < 6; i++)
            {
                deep = Path.Combine(deep, new string((char)('a' + i), 100));
            }

            var group = new string('g', 120);
            Directory.CreateDirectory(Path.Combine(deep, group));
            File.WriteAllText(Path.Combine(deep, group, "memory.usage_in_bytes"), "4096\n");

            Assert.True(deep.Length + group.Length > 512);
            Assert.Equal(4096, CgroupFileReader.ReadLong(deep, group, "memory.usage_in_bytes"));
            Assert.True(CgroupFileReader.Exists(deep, group));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Read_FileLargerThanTheBuffer_FillsItAndStops()
    {
        var root = Directory.CreateTempSubdirectory("edge-cgread-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "big"), new string('x', 3 * CgroupFileReader.MaxFileBytes));
            var buffer = new byte[CgroupFileReader.MaxFileBytes];

            Assert.Equal(CgroupFileReader.MaxFileBytes, CgroupFileReader.Read(root, "", "big", buffer));
            Assert.Equal(-1, CgroupFileReader.Read(root, "", "none", buffer));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ReadLong_RealProcFile_MatchesTheStringReader()
    {
        // A kernel file that reports size 0 and is read to end of file, like the cgroup files.
        var expected = long.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim(), CultureInfo.InvariantCulture);

        Assert.Equal(expected, CgroupFileReader.ReadLong("/proc/sys", "kernel", "pid_max"));
    }

    [Fact]
    public void ReadLong_Repeated_AllocatesNothingPerRead()
    {
        var root = Directory.CreateTempSubdirectory("edge-cgread-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "memory.current"), "52428800\n");
            var sum = 0L;
            for (var i = 0; i < 10; i++)
            {
                sum += CgroupFileReader.ReadLong(root, "", "memory.current") ?? 0; // warm up: thread-static path buffer
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                sum += CgroupFileReader.ReadLong(root, "", "memory.current") ?? 0;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // The File.ReadAllText path it replaces allocated about 8 KiB per read (docs/benchmarks-agent.md).
            Assert.True(allocated < 1024, $"{allocated} bytes allocated by 100 reads");
            Assert.Equal(110 * 52428800L, sum);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
