using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Edge.Agent.Cgroups;
using Edge.Agent.Configuration;
using Edge.Agent.Dotnet;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Tests.Dotnet;

/// <summary>
/// The agent connects to diagnostics sockets as root. Anyone can create a file named after any pid in /tmp, so
/// spoofed sockets (a symlink, a socket owned by someone else, a socket outside the process's own TMPDIR) must be
/// ignored and counted, while the process's real socket is still found.
/// </summary>
public sealed class DiagnosticsSocketTrustTests : IDisposable
{
    private const uint Other = 4242;
    private readonly TempDirectory _dir = TestSupport.TempDir();
    private readonly List<Process> _children = [];

    // Open until the end: .NET removes a socket's file when the socket that bound it is disposed.
    private readonly List<Socket> _sockets = [];
    private readonly List<string> _extraDirectories = [];

    public void Dispose()
    {
        foreach (var child in _children)
        {
            child.Kill();
            child.Dispose();
        }

        _sockets.ForEach(s => s.Dispose());
        _extraDirectories.ForEach(d => Directory.Delete(d, recursive: true));
        _dir.Dispose();
    }

    [Fact]
    public void Find_SpoofedSocketsInSharedDirectory_RefusedWithReasonRealOneAccepted()
    {
        Assert.SkipUnless(LibC.IsRoot, "needs root to give a socket to another uid");
        var pid = StartSleeper();
        var link = _dir.Combine($"dotnet-diagnostic-{pid}-1-socket");
        var foreign = _dir.Combine($"dotnet-diagnostic-{pid}-2-socket");
        var genuine = _dir.Combine($"dotnet-diagnostic-{pid}-0-socket");
        CreateSocket(genuine);
        File.CreateSymbolicLink(link, genuine);
        CreateSocket(foreign);
        Assert.Equal(0, LibC.Chown(foreign, Other, Other));

        var (accepted, refused) = new DiagnosticsSocketFinder(_dir.Path, instanceRoot: null).Find();

        Assert.Equal(genuine, accepted[pid]);
        Assert.Equal(2, refused.Count);
        Assert.Contains(refused, r => r.Path == link && r.Reason == "it is a symbolic link, not a socket");
        Assert.Contains(refused, r => r.Path == foreign && r.Reason == $"it is owned by uid {Other} but process {pid} runs as uid 0");
    }

    [Fact]
    public void Find_SocketInAnInstanceDirectoryThatIsNotTheProcessTmpDir_Refused()
    {
        Assert.SkipUnless(LibC.IsRoot, "needs root to run a process as another uid");
        // Short: a socket's path must fit sun_path (108 bytes, unix(7)).
        var root = Directory.CreateTempSubdirectory("ei").FullName;
        _extraDirectories.Add(root);
        var own = Path.Combine(root, "a");
        var elsewhere = Path.Combine(root, "b");
        foreach (var d in new[] { own, elsewhere })
        {
            Directory.CreateDirectory(d);
            Assert.Equal(0, LibC.Chown(d, Other, Other));
        }

        var pid = StartSleeper(asUid: Other, tmpDir: own);
        var genuine = Path.Combine(own, $"dotnet-diagnostic-{pid}-5-socket");
        var planted = Path.Combine(elsewhere, $"dotnet-diagnostic-{pid}-9-socket");
        foreach (var socket in new[] { genuine, planted })
        {
            CreateSocket(socket);
            Assert.Equal(0, LibC.Chown(socket, Other, Other));
        }

        var (accepted, refused) = new DiagnosticsSocketFinder(_dir.Combine("empty-shared"), root).Find();

        Assert.Equal(genuine, accepted[pid]);
        var refusal = Assert.Single(refused);
        Assert.Equal((planted, $"its directory is not the TMPDIR of process {pid}"), refusal);
    }

    [Fact]
    public void Discover_SpoofedSockets_NotWatchedAndCountedOnce()
    {
        Assert.SkipUnless(LibC.IsRoot, "needs root to give a socket to another uid");
        var pid = StartSleeper();
        var foreign = _dir.Combine($"dotnet-diagnostic-{pid}-2-socket");
        CreateSocket(foreign);
        Assert.Equal(0, LibC.Chown(foreign, Other, Other));
        File.CreateSymbolicLink(_dir.Combine($"dotnet-diagnostic-{pid}-3-socket"), "/run/systemd/private");
        var metrics = TestSupport.NewMetrics();
        long refusedCount = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "edge.agent.dotnet.sockets_refused")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref refusedCount, value));
        listener.Start();
        using var source = new DotnetCounterSource(
            Options.Create(new AgentOptions { SampleInterval = TimeSpan.FromSeconds(1) }), TimeProvider.System, metrics, NullLogger<DotnetCounterSource>.Instance)
        {
            MayWatch = p => p == pid,
            SharedSocketDirectory = _dir.Path,
        };

        source.Discover();
        source.Discover();

        Assert.Empty(source.WatchedPids);
        Assert.Equal(2, Interlocked.Read(ref refusedCount));
    }

    private int StartSleeper(uint? asUid = null, string? tmpDir = null)
    {
        var info = new ProcessStartInfo(asUid is null ? "/bin/sleep" : "/usr/bin/setpriv") { UseShellExecute = false };
        if (asUid is { } uid)
        {
            foreach (var arg in new[] { $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--", "/bin/sleep" })
            {
                info.ArgumentList.Add(arg);
            }
        }

        info.ArgumentList.Add("60");
        if (tmpDir is not null)
        {
            info.Environment["TMPDIR"] = tmpDir;
        }

        var child = Process.Start(info)!;
        _children.Add(child);
        if (asUid is not null)
        {
            // setpriv execs sleep in the same process; wait until it has changed user.
            // Up to 30 s: on a loaded 2-core machine 5 s was not always enough, and the finder then (rightly) refused the socket.
            Assert.True(
                SpinWait.SpinUntil(() => File.ReadLines($"/proc/{child.Id}/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && !l.Contains("\t0\t", StringComparison.Ordinal)), 30_000),
                $"process {child.Id} did not change to uid {asUid} within 30 s");
        }

        return child.Id;
    }

    private void CreateSocket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _sockets.Add(socket);
        socket.Bind(new UnixDomainSocketEndPoint(path));
    }
}
