using Edge.Agent.Supervision;

namespace Edge.Agent.Tests.Supervision;

public sealed class SupervisorOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new SupervisorOptionsValidator().Validate(null, new SupervisorOptions()).Succeeded);

    [Fact]
    public void Validate_SeveralWrongKeys_ReportsEveryOneWithItsKey()
    {
        var options = new SupervisorOptions
        {
            CgroupParent = "../escape",
            Enforcement = "magic",
            AllowedExecutables = ["relative/tool"],
            MinCpuMillicores = 0,
            MonitorIntervalMs = 1,
        };

        var result = new SupervisorOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(5, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Supervisor:CgroupParent '../escape'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Supervisor:Enforcement 'magic'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Supervisor:AllowedExecutables entry 'relative/tool'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Supervisor:MinCpuMillicores 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Supervisor:MonitorIntervalMs 1", StringComparison.Ordinal));
    }
}
