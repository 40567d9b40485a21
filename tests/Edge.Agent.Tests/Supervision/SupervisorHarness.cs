using Edge.Agent.Cgroups;
using Edge.Agent.Configuration;
using Edge.Agent.Sampling;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Agent.Tests.Supervision;

/// <summary>
/// A supervisor on real cgroups under a parent group unique to the test, with its state in a temp directory.
/// Disposing it kills whatever the test left running and removes the groups and the directory.
/// </summary>
internal sealed class SupervisorHarness : IAsyncDisposable
{
    public const string NodeId = "node-test";
    public const string SkipReason = "needs root and the cgroup v1 cpu and memory controllers (run the tests as root)";
    private long _commandCounter;

    /// <param name="enforcement">The enforcement mode asked of the driver factory.</param>
    /// <param name="configure">Changes to the supervisor's options.</param>
    /// <param name="driver">Wraps the driver the options choose (a fixture tree's kernel stand-in, for example).</param>
    public SupervisorHarness(string enforcement = EnforcementModes.CgroupV1, Func<SupervisorOptions, SupervisorOptions>? configure = null, Func<ICgroupDriver, ICgroupDriver>? driver = null)
    {
        StateDirectory = Directory.CreateTempSubdirectory("edge-super-").FullName;
        var options = new SupervisorOptions
        {
            CgroupParent = "edge-test-" + Guid.NewGuid().ToString("N")[..8],
            Enforcement = enforcement,
            StateDirectory = StateDirectory,
            MonitorIntervalMs = 100,
            ThrottleEventIntervalMs = 500,
        };
        Options = configure?.Invoke(options) ?? options;
        Driver = CgroupDriverFactory.Create(Options.Enforcement, Options.CgroupParent, CgroupLayout.Detect(), Options.CgroupV2Root, LibC.IsRoot, out _);
        Driver = driver?.Invoke(Driver) ?? Driver;
        Supervisor = NewSupervisor();
    }

    public static bool CanUseCgroupV1
    {
        get
        {
            var layout = CgroupLayout.Detect();
            return LibC.IsRoot && layout.V1MountOf("cpu") is not null && layout.V1MountOf("memory") is not null;
        }
    }

    public static string Workload => SupervisorOptions.BundledWorkload;

    public SupervisorOptions Options { get; }
    public string StateDirectory { get; }
    public ICgroupDriver Driver { get; }
    public RecordingEventSink Sink { get; private set; } = new();
    public Supervisor Supervisor { get; private set; }

    private Supervisor NewSupervisor() => new(
        Options, Driver, Sink, NodeCapacity.Resolve(new CapacityOptions(), Options, NodeCapacityProbe.Detect(ProcPaths.Default)), NodeId, new SupervisorMetrics(new TestMeterFactory()),
        TimeProvider.System, NullLogger<Supervisor>.Instance);

    /// <summary>Drops the supervisor as a crashing agent would (instances keep running) and starts a fresh one.</summary>
    public async Task<Supervisor> RestartAsync()
    {
        await Supervisor.DisposeAsync();
        Sink = new RecordingEventSink();
        Supervisor = NewSupervisor();
        return Supervisor;
    }

    /// <summary>
    /// Gives the test's parent group the largest CPU weight (v1 cpu.shares), so that other load on the machine
    /// cannot starve a CPU measurement below the quota under test. Call after the first instance has started.
    /// </summary>
    public void PrioritiseCpu()
    {
        if (CgroupLayout.Detect().V1MountOf("cpu") is { } cpu)
        {
            File.WriteAllText(Path.Combine(cpu, Options.CgroupParent, "cpu.shares"), "262144");
        }
    }

    public string NextCommandId() => $"cmd-{Interlocked.Increment(ref _commandCounter)}";

    public NodeCommand Start(string instanceId, InstanceLimits limits, IReadOnlyList<string> args, int graceMs = 10_000, string? executable = null) => new()
    {
        CommandId = NextCommandId(),
        NodeId = NodeId,
        Kind = CommandKind.Start,
        IssuedAtMs = 0,
        Start = new StartSpec
        {
            InstanceId = instanceId,
            ComponentId = "test/busy",
            Executable = executable ?? Workload,
            Args = args,
            Limits = limits,
            GracePeriodMs = graceMs,
        },
    };

    public NodeCommand Resize(string instanceId, InstanceLimits limits, bool allowKill = false) => new()
    {
        CommandId = NextCommandId(),
        NodeId = NodeId,
        Kind = CommandKind.Resize,
        IssuedAtMs = 0,
        Resize = new ResizeSpec(instanceId, limits, allowKill),
    };

    public NodeCommand Stop(string instanceId, int? graceMs = null) => new()
    {
        CommandId = NextCommandId(),
        NodeId = NodeId,
        Kind = CommandKind.Stop,
        IssuedAtMs = 0,
        Stop = new StopSpec(instanceId, graceMs),
    };

    public Task HandleAsync(NodeCommand command) => Supervisor.HandleAsync(command, TestContext.Current.CancellationToken);

    /// <summary>Starts an instance and returns its InstanceStarted event; fails the test when it is rejected.</summary>
    public async Task<NodeEvent> StartAsync(string instanceId, InstanceLimits limits, params string[] args)
    {
        var command = Start(instanceId, limits, args);
        await HandleAsync(command);
        var rejected = Sink.For(command.CommandId).FirstOrDefault(e => e.Kind == NodeEventKind.CommandRejected);
        Assert.Null(rejected?.Reason);
        return await Sink.WaitForAsync(NodeEventKind.InstanceStarted, instanceId);
    }

    public async ValueTask DisposeAsync()
    {
        await Supervisor.DisposeAsync();
        foreach (var group in Driver.ListGroups())
        {
            for (var attempt = 0; attempt < 200 && Driver.ReadPids(group) is { Count: > 0 } pids; attempt++)
            {
                foreach (var pid in pids)
                {
                    LibC.Kill(pid, LibC.SigKill);
                }

                await Task.Delay(10);
            }

            TryIgnore(() => Driver.Remove(group));
        }

        var layout = CgroupLayout.Detect();
        foreach (var mount in layout.V1Mounts.Values.Distinct())
        {
            TryIgnore(() => Directory.Delete(Path.Combine(mount, Options.CgroupParent)));
        }

        TryIgnore(() => Directory.Delete(StateDirectory, recursive: true));
    }

    private static void TryIgnore(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best-effort cleanup.
        }
    }
}
