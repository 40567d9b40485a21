using Edge.Controller.Nodes;

namespace Edge.Controller.Tests.NodeReports;

public sealed class NodeReportOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new NodeReportOptionsValidator().Validate(null, new NodeReportOptions()).Succeeded);

    [Fact]
    public void Validate_SeveralBadValues_ReportsEveryOneWithItsKey()
    {
        var bad = new NodeReportOptions
        {
            MaxCpuCores = 0,
            MaxMemoryMiB = double.NaN,
            MaxCostPerCoreHour = -1,
            MaxSeriesPerNode = 0,
            CpuSlack = 0.5,
            LogInterval = TimeSpan.Zero,
        };

        var result = new NodeReportOptionsValidator().Validate(null, bad);

        Assert.True(result.Failed);
        var errors = result.Failures!.ToList();
        Assert.Equal(6, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Controller:NodeReports:MaxCpuCores 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Controller:NodeReports:MaxMemoryMiB NaN", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Controller:NodeReports:MaxCostPerCoreHour -1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Controller:NodeReports:MaxSeriesPerNode 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Controller:NodeReports:CpuSlack 0.5", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Controller:NodeReports:LogInterval", StringComparison.Ordinal));
    }
}
