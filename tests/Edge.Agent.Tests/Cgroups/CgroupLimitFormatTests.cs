using Edge.Agent.Cgroups;

namespace Edge.Agent.Tests.Cgroups;

public sealed class CgroupLimitFormatTests
{
    [Theory]
    [InlineData(250, "25000 100000")]
    [InlineData(1000, "100000 100000")]
    [InlineData(2500, "250000 100000")]
    [InlineData(10, "1000 100000")]
    [InlineData(1, "1000 100000")]
    public void CpuMax_Millicores_IsQuotaOverPeriod(double millicores, string expected) =>
        Assert.Equal(expected, CgroupLimitFormat.CpuMax(millicores));

    [Theory]
    [InlineData("max 100000", null)]
    [InlineData("25000 100000\n", 250.0)]
    [InlineData("50000 50000", 1000.0)]
    [InlineData("garbage", null)]
    public void ParseCpuMax_KernelText_GivesMillicores(string text, double? expected) =>
        Assert.Equal(expected, CgroupLimitFormat.ParseCpuMax(text));

    [Fact]
    public void Bytes_MiB_IsExactByteCount() => Assert.Equal("67108864", CgroupLimitFormat.Bytes(64));

    [Fact]
    public void V1Bytes_PageRoundedLongMax_IsUnlimited()
    {
        Assert.Null(CgroupLimitFormat.V1Bytes(9223372036854771712));
        Assert.Equal(67108864, CgroupLimitFormat.V1Bytes(67108864));
    }

    [Fact]
    public void V1Millicores_NoQuota_IsUnlimited()
    {
        Assert.Null(CgroupLimitFormat.V1Millicores(-1, 100000));
        Assert.Equal(250, CgroupLimitFormat.V1Millicores(25000, 100000));
    }
}
