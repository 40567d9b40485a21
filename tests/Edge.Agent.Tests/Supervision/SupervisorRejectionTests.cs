using Edge.Agent.Cgroups;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Supervision;

[Collection(RealCgroupCollection.Name)]
public sealed class SupervisorRejectionTests
{
    /// <summary>Real cgroups when the machine allows (so "no group created" is checked on the kernel), else process limits.</summary>
    private static string BestMode => SupervisorHarness.CanUseCgroupV1 ? EnforcementModes.CgroupV1 : EnforcementModes.Rlimit;

    public static TheoryData<string, string> Cases => new()
    {
        { "not-allowed", "executable '/bin/sleep' is not on the allow-list" },
        { "relative", "executable 'edge-workload' is not an absolute, normalised path" },
        { "cpu-floor", "cpu 5 millicores is below the floor of 10" },
        { "cpu-capacity", "cpu 1000000 millicores is above the node capacity" },
        { "memory-floor", "memory 2 MiB is below the floor of 4 MiB" },
        { "memory-capacity", "memory 100000000 MiB is above the node capacity" },
        { "soft-above-hard", "memory soft limit 200 MiB is outside 4..128 MiB" },
        { "kind-mismatch", "command kind 'Resize' does not match its payload" },
        { "other-node", "command is for node 'elsewhere', this node is 'node-test'" },
        { "bad-instance-id", "instance id: id 'a/b' contains '/'" },
        { "resize-unknown", "unknown instance 'ghost'" },
        { "stop-unknown", "unknown instance 'ghost'" },
        { "network-zero", "network 0 Mbps must be positive" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HandleAsync_InvalidCommand_RejectedWithReasonAndNothingStarted(string scenario, string reason)
    {
        await using var harness = new SupervisorHarness(BestMode);
        var command = Build(harness, scenario);

        await harness.HandleAsync(command);

        var answer = Assert.Single(harness.Sink.Events);
        Assert.Equal(NodeEventKind.CommandRejected, answer.Kind);
        Assert.Equal(command.CommandId, answer.CommandId);
        Assert.Contains(reason, answer.Reason, StringComparison.Ordinal);
        Assert.Empty(harness.Supervisor.InstanceIds);
        Assert.Empty(harness.Driver.ListGroups());
    }

    private static NodeCommand Build(SupervisorHarness harness, string scenario)
    {
        var ok = new InstanceLimits(200, 128);
        var start = harness.Start("r1", ok, ["--duration", "60"]);
        return scenario switch
        {
            "not-allowed" => harness.Start("r1", ok, ["60"], executable: "/bin/sleep"),
            "relative" => harness.Start("r1", ok, [], executable: "edge-workload"),
            "cpu-floor" => harness.Start("r1", ok with { CpuMillicores = 5 }, []),
            "cpu-capacity" => harness.Start("r1", ok with { CpuMillicores = 1_000_000 }, []),
            "memory-floor" => harness.Start("r1", ok with { MemoryMiB = 2 }, []),
            "memory-capacity" => harness.Start("r1", ok with { MemoryMiB = 100_000_000 }, []),
            "soft-above-hard" => harness.Start("r1", ok with { MemorySoftMiB = 200 }, []),
            "kind-mismatch" => start with { Kind = CommandKind.Resize },
            "other-node" => start with { NodeId = "elsewhere" },
            "bad-instance-id" => start with { Start = start.Start! with { InstanceId = "a/b" } },
            "resize-unknown" => harness.Resize("ghost", ok),
            "stop-unknown" => harness.Stop("ghost"),
            "network-zero" => harness.Start("r1", ok with { NetworkMbps = 0 }, []),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
        };
    }

    [Fact]
    public async Task Start_DuplicateInstanceId_RejectedAndFirstKeepsRunning()
    {
        await using var harness = new SupervisorHarness(BestMode);
        var first = await harness.StartAsync("dup", new InstanceLimits(200, 128), "--duration", "60");
        var second = harness.Start("dup", new InstanceLimits(200, 128), ["--duration", "60"]);

        await harness.HandleAsync(second);

        var answer = Assert.Single(harness.Sink.For(second.CommandId));
        Assert.Equal(NodeEventKind.CommandRejected, answer.Kind);
        Assert.Contains("instance 'dup' is already running", answer.Reason, StringComparison.Ordinal);
        Assert.Equal([first.Pid!.Value], harness.Driver.ReadPids(Supervisor.GroupNameOf("dup")));
    }

    [Fact]
    public async Task HandleAsync_RedeliveredRejection_RejectedAgainWithSameReason()
    {
        await using var harness = new SupervisorHarness(BestMode);
        var stop = harness.Stop("ghost");
        await harness.HandleAsync(stop);
        await harness.HandleAsync(stop);

        var answers = harness.Sink.For(stop.CommandId);
        Assert.Equal(2, answers.Count);
        Assert.All(answers, a => Assert.Equal("unknown instance 'ghost'", a.Reason));
    }
}
