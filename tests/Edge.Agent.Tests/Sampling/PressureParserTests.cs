using Edge.Agent.Sampling;
using static Edge.Agent.Tests.TestSupport;

namespace Edge.Agent.Tests.Sampling;

public sealed class PressureParserTests
{
    [Fact]
    public void TryParseAvg10_SomeAndFull_ReadsBoth()
    {
        var ok = PressureParser.TryParseAvg10(Ascii("some avg10=12.50 avg60=1.00 avg300=0.10 total=100\nfull avg10=3.25 avg60=0.00 avg300=0.00 total=5\n"), out var some, out var full);

        Assert.True(ok);
        Assert.Equal(12.5, some);
        Assert.Equal(3.25, full);
    }

    [Fact]
    public void TryParseAvg10_OnlySome_FullIsNull()
    {
        PressureParser.TryParseAvg10(Ascii("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"), out _, out var full);

        Assert.Null(full);
    }

    [Fact]
    public void TryParseAvg10_Garbage_ReturnsFalse()
    {
        Assert.False(PressureParser.TryParseAvg10(Ascii("some avg10=x\n"), out _, out _));
    }

    [Fact]
    public void TryParseAvg10_RealPressureFiles_ParseWhenPresent()
    {
        Assert.SkipUnless(File.Exists("/proc/pressure/cpu"), "this kernel has no /proc/pressure (CONFIG_PSI off or psi=0)");
        foreach (var resource in new[] { "cpu", "memory", "io" })
        {
            Assert.True(PressureParser.TryParseAvg10(File.ReadAllBytes($"/proc/pressure/{resource}"), out var some, out _), resource);
            Assert.InRange(some, 0, 100);
        }
    }
}
