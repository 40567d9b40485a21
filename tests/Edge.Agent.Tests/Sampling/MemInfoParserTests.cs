using Edge.Agent.Sampling;
using static Edge.Agent.Tests.TestSupport;

namespace Edge.Agent.Tests.Sampling;

public sealed class MemInfoParserTests
{
    [Fact]
    public void TryParse_HandMadeText_ReportsMiB()
    {
        var ok = MemInfoParser.TryParse(Ascii("MemTotal:        2097152 kB\nMemFree:          100000 kB\nMemAvailable:     524288 kB\nBuffers: 1 kB\n"), out var info);

        Assert.True(ok);
        Assert.Equal(2048, info.TotalMiB);
        Assert.Equal(512, info.AvailableMiB);
        Assert.Equal(1536, info.UsedMiB);
    }

    [Fact]
    public void TryParse_NoMemAvailable_FallsBackToFreeBuffersCached()
    {
        MemInfoParser.TryParse(Ascii("MemTotal: 4096 kB\nMemFree: 1024 kB\nBuffers: 512 kB\nCached: 512 kB\n"), out var info);

        Assert.Equal(2, info.AvailableMiB);
    }

    [Fact]
    public void TryParse_NoMemTotal_ReturnsFalse()
    {
        Assert.False(MemInfoParser.TryParse(Ascii("MemFree: 1 kB\n"), out _));
    }

    [Fact]
    public void TryParse_RealMeminfo_AgreesWithGcTotalMemory()
    {
        Assert.True(MemInfoParser.TryParse(File.ReadAllBytes("/proc/meminfo"), out var info));

        var gcTotal = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024.0;
        Assert.True(info.TotalMiB > 0 && info.AvailableMiB <= info.TotalMiB);
        // Without a container memory limit the GC sees physical memory, which is MemTotal.
        Assert.True(gcTotal <= info.TotalMiB * 1.01, $"GC sees {gcTotal} MiB, meminfo says {info.TotalMiB}");
    }
}
