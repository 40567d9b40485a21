using Edge.Agent.Configuration;
using Edge.Agent.Supervision;
using Edge.Controller.Hosting;
using Edge.Controller.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Integration.Tests.Packaging;

/// <summary>The default config files that packaging/install.sh puts in /etc/edge bind and pass validation.</summary>
public sealed class DefaultConfigTests
{
    [Fact]
    public void AgentJson_BindsAndValidates()
    {
        using var host = Edge.Agent.Program.Build(["--config", Path.Combine(RepoPaths.Root, "packaging", "config", "agent.json")]);

        var agent = host.Services.GetRequiredService<IOptions<AgentOptions>>().Value;
        var supervisor = host.Services.GetRequiredService<IOptions<SupervisorOptions>>().Value;

        Assert.Equal("/etc/edge/agent.password", agent.Mqtt.PasswordFile);
        Assert.Equal(["/opt/edge/bin/edge-workload"], supervisor.AllowedExecutables);
    }

    [Fact]
    public async Task ControllerJson_BindsAndValidates()
    {
        await using var app = ControllerHost.Build(["--config", Path.Combine(RepoPaths.Root, "packaging", "config", "controller.json")]);

        var options = app.Services.GetRequiredService<IOptions<ControllerOptions>>().Value;

        Assert.Equal("/var/lib/edge-controller", options.DataDirectory);
        Assert.True(options.UsesEmbeddedBroker);
    }
}
