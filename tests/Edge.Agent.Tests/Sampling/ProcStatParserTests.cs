using Edge.Agent.Sampling;
using static Edge.Agent.Tests.TestSupport;

namespace Edge.Agent.Tests.Sampling;

public sealed class ProcStatParserTests
{
    private const string TwoCores = """
        cpu  100 10 50 800 40 0 0 0 0 0
        cpu0 60 5 20 400 15 0 0 0 0 0
        cpu1 40 5 30 400 25 0 0 0 0 0
        intr 12345 1 2 3
        ctxt 999
        """;

    [Fact]
    public void Parse_HandMadeText_SumsBusyAndTotalPerCore()
    {
        var cores = new CpuTimes[4];
        var count = ProcStatParser.Parse(Ascii(TwoCores), cores, out var aggregate);

        Assert.Equal(2, count);
        Assert.Equal(new CpuTimes(160, 1000), aggregate);
        Assert.Equal(new CpuTimes(85, 500), cores[0]);
        Assert.Equal(new CpuTimes(75, 500), cores[1]);
    }

    [Fact]
    public void Parse_IrqSoftirqStealCounted_AsBusy()
    {
        var count = ProcStatParser.Parse(Ascii("cpu 1 2 3 4 5 6 7 8 9 10\ncpu0 1 2 3 4 5 6 7 8 9 10\n"), new CpuTimes[1], out var aggregate);

        Assert.Equal(1, count);
        Assert.Equal(1UL + 2 + 3 + 6 + 7 + 8, aggregate.Busy);
        Assert.Equal(1UL + 2 + 3 + 4 + 5 + 6 + 7 + 8, aggregate.Total);
    }

    [Fact]
    public void Parse_BufferTooSmall_ReturnsCoreCountSoCallerCanGrow()
    {
        var count = ProcStatParser.Parse(Ascii(TwoCores), new CpuTimes[1], out _);

        Assert.Equal(2, count);
    }

    [Fact]
    public void Parse_NoCpuLine_ReturnsMinusOne()
    {
        Assert.Equal(-1, ProcStatParser.Parse(Ascii("intr 1 2\nctxt 3\n"), new CpuTimes[2], out _));
    }

    [Fact]
    public void Parse_RealProcStat_ListsEveryCoreWithNonZeroTotals()
    {
        var text = File.ReadAllBytes("/proc/stat");
        var cores = new CpuTimes[TestSupport.KernelCores()];

        var count = ProcStatParser.Parse(text, cores, out var aggregate);

        Assert.Equal(TestSupport.KernelCores(), count);
        Assert.True(aggregate.Total > 0);
        Assert.All(cores, c => Assert.True(c.Total > 0 && c.Busy <= c.Total));
    }

    [Fact]
    public void BusyFraction_TwoSnapshots_IsDeltaBusyOverDeltaTotal()
    {
        var fraction = CpuTimes.BusyFraction(new CpuTimes(100, 1000), new CpuTimes(175, 1100));

        Assert.Equal(0.75, fraction, 6);
    }

    [Fact]
    public void BusyFraction_CountersWentBackwards_IsZero()
    {
        Assert.Equal(0, CpuTimes.BusyFraction(new CpuTimes(500, 1000), new CpuTimes(10, 20)));
    }
}
