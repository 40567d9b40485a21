using Edge.Agent.Configuration;
using Edge.Agent.Supervision;
using Microsoft.Extensions.Options;

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

    [Fact]
    public void Validate_WrongSandboxKeys_ReportsEachWithItsKey()
    {
        var options = new SupervisorOptions
        {
            RunAsUser = "no-such-user-here",
            DynamicUsers = "0-65535",
            AllowedEnvironment = ["APP_*", "BAD-NAME", "9LIVES"],
            InstanceDirectory = "relative/instances",
        };

        var failures = new SupervisorOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Equal(5, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Supervisor:RunAsUser 'no-such-user-here' is not 'dynamic', 'root', 'uid:gid' or a user in /etc/passwd", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Supervisor:DynamicUsers '0-65535' must be a range", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Supervisor:AllowedEnvironment entry 'BAD-NAME'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Supervisor:AllowedEnvironment entry '9LIVES'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Supervisor:InstanceDirectory 'relative/instances'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("dynamic")]
    [InlineData("root")]
    [InlineData("1000:1000")]
    [InlineData("nobody")]
    public void Validate_RunAsUserForms_Succeed(string runAs) =>
        Assert.True(new SupervisorOptionsValidator().Validate(null, new SupervisorOptions { RunAsUser = runAs }).Succeeded);

    [Fact]
    public void Validate_DeprecatedKeysContradictingAgent_ReportsEachWithBothKeys()
    {
        var agent = Options.Create(new AgentOptions { NodeId = "n1", Capacity = new CapacityOptions { CpuMillicores = 1500, MemoryMiB = 2048 } });
        var options = new SupervisorOptions { NodeId = "n2", CapacityMillicores = 1000, CapacityMemoryMiB = 1024 };

        var failures = new SupervisorOptionsValidator(agent).Validate(null, options).Failures!.ToList();

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Supervisor:NodeId 'n2' differs from Agent:NodeId 'n1'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Supervisor:CapacityMillicores 1000 differs from Agent:Capacity:CpuMillicores 1500", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Supervisor:CapacityMemoryMiB 1024 differs from Agent:Capacity:MemoryMiB 2048", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DeprecatedKeysAgreeingWithAgentOrAlone_Succeed()
    {
        var agent = Options.Create(new AgentOptions { NodeId = "n1", Capacity = new CapacityOptions { CpuMillicores = 1500 } });
        var options = new SupervisorOptions { NodeId = "n1", CapacityMillicores = 1500, CapacityMemoryMiB = 1024 };

        Assert.True(new SupervisorOptionsValidator(agent).Validate(null, options).Succeeded);
    }
}
