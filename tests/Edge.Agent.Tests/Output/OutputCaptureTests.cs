using System.Text;
using Edge.Agent.Output;
using Edge.Agent.Supervision;
using Edge.Agent.Tests.Supervision;
using Edge.Common.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Agent.Tests.Output;

/// <summary>Output capture on real instances (real processes, FIFOs and cgroups) and its retention.</summary>
public sealed class OutputCaptureTests
{
    private static readonly InstanceLimits Small = new(200, 128);

    [Fact]
    public async Task Instance_StdoutAndStderr_AreKeptAfterItEnds()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        await harness.StartAsync("talker", Small, "--say", "hello from talker", "--say-stderr", "complaint", "--duration", "0.3");
        await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "talker");

        var output = harness.Supervisor.Output;
        Assert.Equal("hello from talker\n", Text(output.ReadTail("talker", "stdout", 1 << 20)));
        Assert.Equal("complaint\n", Text(output.ReadTail("talker", "stderr", 1 << 20)));
        var directory = output.DirectoryOf("talker");
        Assert.False(File.Exists(Path.Combine(directory, OutputCapture.FifoName("stdout"))), "the FIFO is removed at exit");
        Assert.True(File.Exists(Path.Combine(directory, OutputCapture.ExitedMarker)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, ModeOf(directory));
        Assert.Null(output.ReadTail("never-ran", "stdout", 100));
    }

    [Fact]
    public async Task AgentRestart_AdoptedInstanceKeepsRunningAndItsOutputIsCapturedAgainWithTheGapNoted()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        var started = await harness.StartAsync("ticker", Small, "--say", "tick", "--say-every", "0.2", "--duration", "120");
        await Poll.UntilAsync(() => Text(harness.Supervisor.Output.ReadTail("ticker", "stdout", 1 << 20)).Contains("tick #2", StringComparison.Ordinal), "two ticks captured");

        var supervisor = await harness.RestartAsync();
        // While no agent holds the FIFO the instance's writes fail; it must survive them.
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        Assert.True(InstanceLauncher.IsRunning(started.Pid!.Value), "the instance survives writes while no agent reads");
        await supervisor.AdoptAsync(TestContext.Current.CancellationToken);
        await harness.Sink.WaitForAsync(NodeEventKind.InstanceAdopted, "ticker");

        string text = "";
        await Poll.UntilAsync(() =>
        {
            text = Text(supervisor.Output.ReadTail("ticker", "stdout", 1 << 20));
            var note = text.IndexOf("the agent restarted", StringComparison.Ordinal);
            return note > 0 && text.IndexOf("tick #", note, StringComparison.Ordinal) > note;
        }, "a tick captured after the restart note");
        Assert.StartsWith("tick\ntick #1\n", text, StringComparison.Ordinal);

        await harness.HandleAsync(harness.Stop("ticker", graceMs: 5000));
        await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "ticker");
        Assert.True(File.Exists(Path.Combine(supervisor.Output.DirectoryOf("ticker"), OutputCapture.ExitedMarker)));
    }

    [Fact]
    public void Sweep_RemovesEndedOutputAfterTheRetentionAndMarksOrphansEnded()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var capture = new OutputCapture(dir.Path, new OutputLimits(4096, 2, TimeSpan.FromHours(1)), time);
        capture.Open("old");
        capture.Finish("old");
        capture.Open("live");
        Directory.CreateDirectory(capture.DirectoryOf("orphan"));

        Assert.Equal(0, capture.Sweep(running: ["live"]));
        Assert.True(capture.Has("old"), "kept within the retention");
        Assert.True(File.Exists(Path.Combine(capture.DirectoryOf("orphan"), OutputCapture.ExitedMarker)), "an orphan is marked ended");
        Assert.Contains("found ended when the agent started", Text(capture.ReadTail("orphan", "stdout", 1000)), StringComparison.Ordinal);

        time.Advance(TimeSpan.FromHours(2));
        var removed = capture.Sweep();
        Assert.False(capture.Has("old"));
        Assert.False(capture.Has("orphan"));
        Assert.Equal(2, removed);
        Assert.True(capture.Has("live"), "a running instance's output is never swept");
    }

    private static string Text((long Total, long Offset, byte[] Data)? tail) => tail is { } t ? Encoding.UTF8.GetString(t.Data) : "";

    private static UnixFileMode ModeOf(string path) => OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(path);
}
