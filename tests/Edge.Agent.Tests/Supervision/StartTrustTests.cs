using Edge.Agent.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Supervision;

/// <summary>
/// Start commands an attacker with a node's credentials (or a local shell that can write files) could send: a
/// symlink off the allow-list, executables or directories others can write, a .NET apphost whose assembly others can
/// write, loader and runtime variables. Each is rejected with a reason naming the offending path or variable, and
/// nothing is started: no instance, no group, no instance directory.
/// </summary>
[Collection(RealCgroupCollection.Name)]
public sealed class StartTrustTests : IDisposable
{
    private readonly TempDirectory _dir = TestSupport.TempDir();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Scenarios => ["symlink-off-list", "world-writable-file", "world-writable-dir", "foreign-owner", "apphost-dll-writable", "dir-not-enterable", "workdir-not-enterable", "ld-preload", "dotnet-knob", "not-on-operator-list"];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task HandleAsync_UntrustedStart_RejectedNamingTheCauseAndNothingStarted(string scenario)
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        var tool = _dir.Combine("tool");
        File.Copy("/usr/bin/true", tool);
        var (executable, expected, env, workDir, allowedEnv) = Arrange(scenario, tool);
        await using var harness = new SupervisorHarness(configure: o => o with
        {
            AllowedExecutables = [_dir.Path + "/"],
            AllowedEnvironment = allowedEnv ?? ["*"],
        });
        var command = harness.Start("t1", new InstanceLimits(100, 64), [], executable: executable);
        command = command with { Start = command.Start! with { Env = env ?? new Dictionary<string, string>(), WorkingDirectory = workDir } };

        await harness.HandleAsync(command);

        var answer = Assert.Single(harness.Sink.Events);
        Assert.Equal(NodeEventKind.CommandRejected, answer.Kind);
        Assert.Contains(expected, answer.Reason, StringComparison.Ordinal);
        Assert.Empty(harness.Supervisor.InstanceIds);
        Assert.Empty(harness.Driver.ListGroups());
        Assert.Empty(Directory.EnumerateFileSystemEntries(harness.Options.EffectiveInstanceDirectory));
    }

    [Fact]
    public async Task HandleAsync_VariableTheOperatorAllowedByName_Starts()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness(configure: o => o with { AllowedEnvironment = ["APP_*", "DOTNET_gcServer"] });
        var command = harness.Start("t2", new InstanceLimits(100, 64), ["--duration", "1"]);
        command = command with { Start = command.Start! with { Env = new Dictionary<string, string> { ["APP_MODE"] = "x", ["DOTNET_gcServer"] = "0" } } };

        await harness.HandleAsync(command);

        Assert.DoesNotContain(harness.Sink.Events, e => e.Kind == NodeEventKind.CommandRejected);
        await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "t2");
    }

    [Fact]
    public async Task HandleAsync_RootOwnedToolInADirectoryUnderStickyTmp_Starts()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        Assert.True(LibC.Stat("/tmp", followLinks: false)!.Value.IsSticky, "this test expects a sticky /tmp");
        var tool = _dir.Combine("tool");
        File.Copy("/usr/bin/true", tool);
        await using var harness = new SupervisorHarness(configure: o => o with { AllowedExecutables = [_dir.Path + "/"] });

        await harness.HandleAsync(harness.Start("t3", new InstanceLimits(100, 64), [], executable: tool));

        Assert.DoesNotContain(harness.Sink.Events, e => e.Kind == NodeEventKind.CommandRejected);
        Assert.Equal(0, (await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "t3")).ExitCode);
    }

    private (string Executable, string Expected, Dictionary<string, string>? Env, string? WorkDir, IReadOnlyList<string>? AllowedEnv) Arrange(string scenario, string tool)
    {
        const UnixFileMode all = (UnixFileMode)0x1FF;
        switch (scenario)
        {
            case "symlink-off-list":
                var link = _dir.Combine("id");
                File.CreateSymbolicLink(link, "/usr/bin/id");
                return (link, $"executable '{link}' is not on the allow-list (it resolves to '/usr/bin/id')", null, null, null);
            case "world-writable-file":
                LibC.SetMode(tool, all);
                return (tool, $"executable '{tool}' is group- or world-writable (mode 0777)", null, null, null);
            case "world-writable-dir":
                var open = _dir.Combine("open");
                Directory.CreateDirectory(open);
                LibC.SetMode(open, all);
                File.Copy(tool, Path.Combine(open, "tool"));
                return (Path.Combine(open, "tool"), $"directory '{open}' above executable '{open}/tool' is group- or world-writable (mode 0777)", null, null, null);
            case "foreign-owner":
                Assert.Equal(0, LibC.Chown(tool, 4242, 4242));
                return (tool, $"executable '{tool}' is owned by uid 4242, not root or the agent", null, null, null);
            case "apphost-dll-writable":
                var dll = tool + ".dll";
                File.WriteAllText(dll, "not really an assembly");
                LibC.SetMode(dll, (UnixFileMode)0x1B6);
                return (tool, $".NET assembly '{dll}' (for '{tool}') is group- or world-writable (mode 0666)", null, null, null);
            case "dir-not-enterable":
                var closed = _dir.Combine("closed");
                Directory.CreateDirectory(closed);
                LibC.SetMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                File.Copy(tool, Path.Combine(closed, "tool"));
                return (Path.Combine(closed, "tool"), $"executable '{closed}/tool' cannot be run by the instance user: '{closed}'", null, null, null);
            case "workdir-not-enterable":
                var work = _dir.Combine("work");
                Directory.CreateDirectory(work);
                LibC.SetMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                return (tool, $"working directory '{work}' cannot be entered by the instance user", null, work, null);
            case "ld-preload":
                return (tool, "environment variable 'LD_PRELOAD' is denied", new() { ["LD_PRELOAD"] = "/tmp/evil.so" }, null, null);
            case "dotnet-knob":
                return (tool, "environment variable 'DOTNET_EventPipeOutputPath' is denied", new() { ["DOTNET_EventPipeOutputPath"] = "/etc/cron.d/x" }, null, null);
            case "not-on-operator-list":
                return (tool, "environment variable 'OTHER' is not on the allow-list (APP_*)", new() { ["OTHER"] = "1" }, null, ["APP_*"]);
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null);
        }
    }
}
