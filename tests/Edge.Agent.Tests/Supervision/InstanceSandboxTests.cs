using System.Globalization;
using Edge.Agent.Cgroups;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Supervision;

/// <summary>
/// An instance, as an attacker would use it: a program the supervisor started as root on its behalf. It must run as
/// its own unprivileged uid with no capabilities and no way to raise them, and be unable to touch its limits, its
/// group, the agent or the agent's files.
/// </summary>
[Collection(RealCgroupCollection.Name)]
public sealed class InstanceSandboxTests
{
    private const string Shell = "/bin/sh";

    [Fact]
    public async Task Start_Workload_RunsAsDynamicUserWithoutCapabilitiesAndWithNoNewPrivs()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        var started = await harness.StartAsync("locked", new InstanceLimits(100, 128), "--duration", "60");
        var pid = started.Pid!.Value;

        var status = await ExecutedStatusAsync(pid);

        var uid = Ids(status["Uid"]);
        Assert.All(uid, id => Assert.Equal(uid[0], id));
        Assert.InRange(uid[0], 61184u, 65519u);
        Assert.Equal(uid, Ids(status["Gid"]));
        Assert.DoesNotContain(File.ReadLines("/etc/passwd"), l => l.Split(':')[2] == uid[0].ToString(CultureInfo.InvariantCulture));
        Assert.Equal("", status["Groups"]);
        Assert.All(["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"], cap => Assert.Equal("0000000000000000", status[cap]));
        Assert.Equal("1", status["NoNewPrivs"]);

        var home = Path.Combine(harness.Options.EffectiveInstanceDirectory, InstanceDirectories.NameOf(Supervisor.GroupNameOf("locked")));
        var dir = LibC.Stat(home, followLinks: false)!.Value;
        Assert.Equal((uid[0], "0700"), (dir.Uid, dir.Permissions));
        Assert.Equal(home, LibC.RealPath($"/proc/{pid}/cwd"));
        var environ = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
        Assert.Contains($"HOME={home}", environ);
        Assert.Contains($"TMPDIR={home}", environ);
        Assert.Equal("0711", LibC.Stat(harness.StateDirectory, followLinks: false)!.Value.Permissions);
        Assert.All(["instances.json", "applied-commands.jsonl"], f => Assert.Equal("0600", LibC.Stat(Path.Combine(harness.StateDirectory, f), followLinks: false)!.Value.Permissions));
        Assert.True(harness.Supervisor.TryGetInstance("locked", out var instance));
        Assert.Equal(uid[0], instance.State.Uid);

        await harness.HandleAsync(harness.Stop("locked", 0));
        await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "locked");
        Assert.False(Directory.Exists(home), "the instance directory outlived the instance");
    }

    [Fact]
    public async Task Start_TwoInstancesAndAnAgentRestart_EachHasItsOwnUid()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        var first = await harness.StartAsync("one", new InstanceLimits(100, 128), "--duration", "60");
        var second = await harness.StartAsync("two", new InstanceLimits(100, 128), "--duration", "60");
        var firstUid = Ids((await ExecutedStatusAsync(first.Pid!.Value))["Uid"])[0];
        var secondUid = Ids((await ExecutedStatusAsync(second.Pid!.Value))["Uid"])[0];
        Assert.NotEqual(firstUid, secondUid);

        var restarted = await harness.RestartAsync();
        await restarted.AdoptAsync(TestContext.Current.CancellationToken);
        var third = await harness.StartAsync("three", new InstanceLimits(100, 128), "--duration", "60");
        var thirdUid = Ids((await ExecutedStatusAsync(third.Pid!.Value))["Uid"])[0];

        Assert.True(restarted.TryGetInstance("one", out var adopted));
        Assert.Equal(firstUid, adopted.State.Uid);
        Assert.DoesNotContain(thirdUid, new[] { firstUid, secondUid });
        Assert.True(Directory.Exists(Path.Combine(harness.Options.EffectiveInstanceDirectory, InstanceDirectories.NameOf(Supervisor.GroupNameOf("one")))),
            "the adopted instance lost its directory");
    }

    [Fact]
    public async Task Start_ShellTryingToEscape_IsDeniedEverything()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness(configure: o => o with { AllowedExecutables = [Shell] });
        using var scratch = TestSupport.TempDir();
        var output = scratch.Combine("out");
        Directory.CreateDirectory(output);
        LibC.SetMode(output, (UnixFileMode)0x1FF);
        var secret = scratch.Combine("agent.password");
        File.WriteAllText(secret, "s3cret");
        LibC.SetMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var layout = CgroupLayout.Detect();
        var cpu = layout.V1MountOf("cpu")!;
        var memory = layout.V1MountOf("memory")!;
        var group = Supervisor.GroupNameOf("escape");
        var parent = harness.Options.CgroupParent;
        string[] probes =
        [
            "own-procs", "w", Path.Combine(cpu, parent, group, "cgroup.procs"),
            "cpu-quota", "w", Path.Combine(cpu, parent, group, "cpu.cfs_quota_us"),
            "memory-limit", "w", Path.Combine(memory, parent, group, "memory.limit_in_bytes"),
            "parent-procs", "w", Path.Combine(cpu, parent, "cgroup.procs"),
            "root-procs", "w", Path.Combine(cpu, "cgroup.procs"),
            "new-group", "mkdir", Path.Combine(cpu, parent, "evil"),
            "agent-password", "cat", secret,
            "state-list", "ls", harness.StateDirectory,
            "state-file", "cat", Path.Combine(harness.StateDirectory, "applied-commands.jsonl"),
            "instances-list", "ls", harness.Options.EffectiveInstanceDirectory,
            "agent-environ", "cat", $"/proc/{Environment.ProcessId}/environ",
            "signal-agent", "kill", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            "own-home", "touch", "HOME",
        ];
        const string script = """
            out=$1; shift
            w() { echo $$ > "$1"; }
            while [ $# -ge 3 ]; do
              name=$1; op=$2; target=$3; shift 3
              [ "$target" = HOME ] && target="$HOME/probe"
              [ "$op" = kill ] && op="kill -0"
              if $op "$target" >/dev/null 2>&1; then echo "$name allowed" >> "$out/result"; else echo "$name denied" >> "$out/result"; fi
            done
            echo "uid $(id -u) tmp $TMPDIR home $HOME pwd $(pwd)" >> "$out/result"
            """;
        var start = harness.Start("escape", new InstanceLimits(100, 64), ["-c", script, "sh", output, .. probes], executable: Shell);

        await harness.HandleAsync(start);
        var exited = await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "escape");

        Assert.Equal(0, exited.ExitCode);
        var lines = File.ReadAllLines(Path.Combine(output, "result"));
        var home = Path.Combine(harness.Options.EffectiveInstanceDirectory, InstanceDirectories.NameOf(group));
        Assert.Equal(
            [.. probes.Chunk(3).Select(p => p[0] + (p[0] == "own-home" ? " allowed" : " denied"))],
            lines[..^1]);
        Assert.Matches($"^uid 6[0-9]+ tmp {home} home {home} pwd {home}$", lines[^1]);
        Assert.Equal("s3cret", File.ReadAllText(secret));
    }

    /// <summary>/proc/{pid}/status once the launch prologue has exec'd the program (it runs as root until then).</summary>
    private static async Task<Dictionary<string, string>> ExecutedStatusAsync(int pid)
    {
        await Poll.UntilAsync(() => !InstanceLauncher.InPrologue(pid) && Ids(Status(pid)["Uid"])[0] != 0, $"process {pid} to exec as its own user");
        return Status(pid);
    }

    private static Dictionary<string, string> Status(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);

    private static uint[] Ids(string line) =>
        [.. line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).Select(f => uint.Parse(f, CultureInfo.InvariantCulture))];
}
