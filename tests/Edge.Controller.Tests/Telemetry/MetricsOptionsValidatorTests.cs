using Edge.Controller.Telemetry;

namespace Edge.Controller.Tests.Telemetry;

public sealed class MetricsOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new MetricsOptionsValidator().Validate(null, new MetricsOptions()).Succeeded);
    }

    [Fact]
    public void Validate_ZeroNegativeOrHugeCaps_FailNamingKeyAndValue()
    {
        var result = new MetricsOptionsValidator().Validate(null, new MetricsOptions { MaxNodes = 0, MaxInstances = -5, MaxComponents = 2_000_000 });
        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.Contains("Controller:Metrics:MaxNodes 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Controller:Metrics:MaxInstances -5", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Controller:Metrics:MaxComponents 2000000", StringComparison.Ordinal));
    }
}
