using Edge.Agent.Cgroups;
using Edge.Agent.Publishing;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Agent.Tests.Supervision;

[Collection(RealCgroupCollection.Name)]
public sealed class SupervisorLifecycleHostTests : IDisposable
{
    private readonly string _stateDir = Directory.CreateTempSubdirectory("edge-host-").FullName;
    private readonly string _parent = "edge-test-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Host_RunsMonitorLoopAndAdoptsAfterRestart()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        var firstSink = new RecordingEventSink();
        using (var first = BuildHost(firstSink))
        {
            await first.StartAsync(TestContext.Current.CancellationToken);
            var handler = first.Services.GetRequiredService<ICommandHandler>();
            await handler.HandleAsync(Command(CommandKind.Start, start: new StartSpec
            {
                InstanceId = "hosted",
                ComponentId = "test/hosted",
                Executable = SupervisorOptions.BundledWorkload,
                Args = ["--cpu", "1", "--duration", "120"],
                Limits = new InstanceLimits(100, 128),
            }), TestContext.Current.CancellationToken);

            // Only the lifecycle's monitoring loop publishes throttling.
            await firstSink.WaitForAsync(NodeEventKind.InstanceThrottled, "hosted");
            await first.StopAsync(TestContext.Current.CancellationToken);
        }

        var secondSink = new RecordingEventSink();
        using var second = BuildHost(secondSink);
        await second.StartAsync(TestContext.Current.CancellationToken);
        var adopted = await secondSink.WaitForAsync(NodeEventKind.InstanceAdopted, "hosted");
        Assert.Equal("test/hosted", adopted.ComponentId);

        await second.Services.GetRequiredService<ICommandHandler>().HandleAsync(
            Command(CommandKind.Stop, stop: new StopSpec("hosted", 2000)), TestContext.Current.CancellationToken);
        await secondSink.WaitForAsync(NodeEventKind.InstanceExited, "hosted");
        Assert.Empty(second.Services.GetRequiredService<ICgroupDriver>().ListGroups());
        await second.StopAsync(TestContext.Current.CancellationToken);
    }

    private IHost BuildHost(RecordingEventSink sink)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:NodeId"] = SupervisorHarness.NodeId,
            ["Supervisor:StateDirectory"] = _stateDir,
            ["Supervisor:CgroupParent"] = _parent,
            ["Supervisor:MonitorIntervalMs"] = "100",
        });
        builder.Services.AddSingleton<INodeEventSink>(sink);
        builder.Services.AddEdgeSupervision(builder.Configuration);
        return builder.Build();
    }

    private static NodeCommand Command(CommandKind kind, StartSpec? start = null, StopSpec? stop = null) => new()
    {
        CommandId = Guid.NewGuid().ToString("N"),
        NodeId = SupervisorHarness.NodeId,
        Kind = kind,
        IssuedAtMs = 0,
        Start = start,
        Stop = stop,
    };

    public void Dispose()
    {
        if (SupervisorHarness.CanUseCgroupV1)
        {
            RemoveGroups();
        }

        Directory.Delete(_stateDir, recursive: true);
    }

    private void RemoveGroups()
    {
        var driver = new CgroupV1Driver(CgroupLayout.Detect(), _parent);
        foreach (var group in driver.ListGroups())
        {
            foreach (var pid in driver.ReadPids(group))
            {
                LibC.Kill(pid, LibC.SigKill);
            }
        }

        foreach (var mount in CgroupLayout.Detect().V1Mounts.Values.Distinct())
        {
            var dir = Path.Combine(mount, _parent);
            foreach (var child in Directory.Exists(dir) ? Directory.GetDirectories(dir) : [])
            {
                TryDelete(child);
            }

            TryDelete(dir);
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir);
            }
        }
        catch (IOException)
        {
            // Best effort: a group whose last task is still exiting.
        }
    }
}
