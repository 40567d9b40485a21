using System.Diagnostics;
using Edge.Integration.Tests.Harness;

namespace Edge.Integration.Tests.Packaging;

/// <summary>
/// The Debian packages packaging/deb/build.sh makes, installed, upgraded, removed and purged by the real dpkg in a
/// scratch root (<c>dpkg --root</c> with chrootless maintainer scripts, which honour <c>DPKG_ROOT</c>), and the
/// installed self-contained binaries run with no .NET on their path.
/// </summary>
[Collection(DebPackages.Collection)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DebPackageTests(DebPackages packages)
{
    [Theory]
    [InlineData("edge-agent", "opt/edge/agent/edge-agent", "etc/edge/agent.json", "var/lib/edge-agent")]
    [InlineData("edge-controller", "opt/edge/controller/edge-controller", "etc/edge/controller.json", null)]
    [InlineData("edgectl", "opt/edge/edgectl/edgectl", null, null)]
    public async Task InstallUpgradePurge_InScratchRoot_KeepsEditedConfigAndLeavesNothing(string name, string binary, string? conffile, string? stateDir)
    {
        using var root = new ScratchRoot();
        var first = packages.Path(name);

        await root.DpkgAsync("--install", first);

        Assert.True(File.Exists(root.Path(binary)), $"{binary} not installed");
        Assert.True((File.GetUnixFileMode(root.Path(binary)) & UnixFileMode.UserExecute) != 0, $"{binary} is not executable");
        Assert.Contains("install ok installed", await root.DpkgAsync("--status", name), StringComparison.Ordinal);
        if (stateDir is not null)
        {
            // Enterable by the instances' own uids (their private directories live below it), listable by none.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute, File.GetUnixFileMode(root.Path(stateDir)));
        }

        if (conffile is not null)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(root.Path(conffile)));
            await File.AppendAllTextAsync(root.Path(conffile), "\n", TestContext.Current.CancellationToken);
        }

        var edited = conffile is null ? null : await File.ReadAllTextAsync(root.Path(conffile), TestContext.Current.CancellationToken);
        var upgrade = await packages.WithHigherVersionAsync(name);
        await root.DpkgAsync("--install", upgrade.File);

        Assert.Contains($"Version: {upgrade.Version}", await root.DpkgAsync("--status", name), StringComparison.Ordinal);
        if (conffile is not null)
        {
            Assert.Equal(edited, await File.ReadAllTextAsync(root.Path(conffile), TestContext.Current.CancellationToken));
        }

        await root.DpkgAsync("--remove", name);
        Assert.False(File.Exists(root.Path(binary)), "remove left the binary");
        if (conffile is not null)
        {
            Assert.True(File.Exists(root.Path(conffile)), "remove (not purge) must keep the configuration");
        }

        await root.DpkgAsync("--purge", name);
        Assert.False(conffile is not null && File.Exists(root.Path(conffile)), "purge left the configuration");
        Assert.False(stateDir is not null && Directory.Exists(root.Path(stateDir)), "purge left the state directory");
        Assert.False(Directory.Exists(root.Path("opt/edge")) && Directory.EnumerateFileSystemEntries(root.Path("opt/edge")).Any(), "purge left files under /opt/edge");
    }

    [Theory]
    [InlineData("edge-agent", "opt/edge/agent/edge-agent", "--config", "edge-agent: cannot read configuration")]
    [InlineData("edge-controller", "opt/edge/controller/edge-controller", "--config", "edge-controller: ")]
    [InlineData("edgectl", "opt/edge/edgectl/edgectl", "--help", "backtest")]
    public async Task InstalledBinary_WithoutDotnetOnTheHost_RunsItsOwnCode(string name, string binary, string option, string expected)
    {
        using var root = new ScratchRoot();
        await root.DpkgAsync("--install", packages.Path(name));
        string[] args = option == "--config" ? [option, root.Path("no-such-config.json")] : [option];

        // No dotnet on PATH and a DOTNET_ROOT that does not exist: a framework-dependent apphost would stop here
        // before any of Edge's code ran; the expected text is printed by Edge's own Main.
        var (exit, output) = await Run.ProcessAsync(root.Path(binary), args, new Dictionary<string, string>
        {
            ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin",
            ["DOTNET_ROOT"] = root.Path("no-dotnet"),
        }, TimeSpan.FromSeconds(60));

        Assert.True(output.Contains(expected, StringComparison.Ordinal), $"{binary} {string.Join(' ', args)} exited {exit}:\n{output}");
        Assert.True(exit is 0 or 2, $"{binary} exited {exit}:\n{output}");
    }

    [Fact]
    public async Task InstalledAgent_AgainstARealController_JoinsOverTlsWithThePinnedCa()
    {
        using var root = new ScratchRoot();
        await root.DpkgAsync("--install", packages.Path("edge-agent"));
        var version = (await root.DpkgAsync("--status", "edge-agent")).Split('\n').Single(l => l.StartsWith("Version: ", StringComparison.Ordinal))["Version: ".Length..].Trim();
        const string Node = "deb-node";
        await using var system = await EdgeSystem.StartAsync([Node]);

        // The package's own agent, as an operator would configure it: mqtts to the controller, its CA pinned.
        system.StartAgent(Node, binary: root.Path("opt/edge/agent/edge-agent"), extra: new Dictionary<string, string>
        {
            ["EDGE_Agent__Mqtt__BrokerUrl"] = $"mqtts://localhost:{system.TlsPort}",
            ["EDGE_Agent__Mqtt__CaCertificateFile"] = Path.Combine(system.DataDirectory, "tls", "ca.crt"),
            ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin",
            ["DOTNET_ROOT"] = root.Path("no-dotnet"),
        });
        await system.WaitNodeOnlineAsync(Node);

        var nodes = await system.GetJsonAsync("/api/nodes");
        var status = nodes.EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == Node).GetProperty("status");
        Assert.StartsWith(version.Split('+')[0], status.GetProperty("agentVersion").GetString(), StringComparison.Ordinal);
    }

    /// <summary>An empty dpkg database in a temporary folder.</summary>
    private sealed class ScratchRoot : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("edge-deb-root-");

        public ScratchRoot()
        {
            foreach (var sub in new[] { "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "var/log" })
            {
                Directory.CreateDirectory(Path(sub));
            }

            File.WriteAllText(Path("var/lib/dpkg/status"), "");
            File.WriteAllText(Path("var/lib/dpkg/available"), "");
        }

        public string Path(string relative) => System.IO.Path.Combine(_dir.FullName, relative);

        /// <summary>
        /// dpkg on this root: maintainer scripts run on the host with DPKG_ROOT set (no chroot needs a shell inside);
        /// dependencies are not checked (the scratch root has no other package installed); a kept conffile is kept.
        /// </summary>
        public async Task<string> DpkgAsync(params string[] args)
        {
            string[] all = ["--root=" + _dir.FullName, "--force-script-chrootless", "--force-depends", "--force-confold", "--log=/dev/null", .. args];
            var (exit, output) = await Run.ProcessAsync("dpkg", all, null, TimeSpan.FromMinutes(3));
            Assert.True(exit == 0, $"dpkg {string.Join(' ', args)} exited {exit}:\n{output}");
            return output;
        }

        public void Dispose() => _dir.Delete(recursive: true);
    }
}

/// <summary>Builds the packages once per test run with packaging/deb/build.sh, uncompressed (or takes them from EDGE_DEB_DIR).</summary>
public sealed class DebPackages : IAsyncLifetime
{
    public const string Collection = "deb packages";

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("edge-deb-");
    private string _dir = "";

    public string Path(string name) =>
        Directory.EnumerateFiles(_dir, name + "_*_amd64.deb").OrderBy(f => f, StringComparer.Ordinal).LastOrDefault()
        ?? throw new FileNotFoundException($"no {name} package in {_dir}");

    public async ValueTask InitializeAsync()
    {
        // EDGE_DEB_DIR: packages built beforehand (e.g. by a release job); otherwise this checkout is packaged now.
        if (Environment.GetEnvironmentVariable("EDGE_DEB_DIR") is { Length: > 0 } prebuilt)
        {
            _dir = prebuilt;
            return;
        }

        _dir = System.IO.Path.Combine(_work.FullName, "built");
        var (exit, output) = await Run.ProcessAsync("bash", [System.IO.Path.Combine(RepoPaths.Root, "packaging", "deb", "build.sh"), "--out", _dir, "--compress", "none"], null, TimeSpan.FromMinutes(20));
        Assert.True(exit == 0, $"packaging/deb/build.sh exited {exit}:\n{output}");
    }

    /// <summary>The same package with its version raised, as the next build would make it.</summary>
    public async Task<(string File, string Version)> WithHigherVersionAsync(string name)
    {
        var tree = System.IO.Path.Combine(_work.FullName, name + "-next");
        if (Directory.Exists(tree))
        {
            Directory.Delete(tree, recursive: true);
        }

        var (exit, output) = await Run.ProcessAsync("dpkg-deb", ["--raw-extract", Path(name), tree], null, TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, output);
        var control = System.IO.Path.Combine(tree, "DEBIAN", "control");
        var lines = await File.ReadAllLinesAsync(control);
        var version = lines.Single(l => l.StartsWith("Version: ", StringComparison.Ordinal))["Version: ".Length..] + "+next";
        await File.WriteAllLinesAsync(control, lines.Select(l => l.StartsWith("Version: ", StringComparison.Ordinal) ? "Version: " + version : l));
        var file = System.IO.Path.Combine(_work.FullName, $"{name}_{version}_amd64.deb");
        (exit, output) = await Run.ProcessAsync("dpkg-deb", ["--root-owner-group", "-Znone", "--build", tree, file], null, TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, output);
        Directory.Delete(tree, recursive: true);
        return (file, version);
    }

    public ValueTask DisposeAsync()
    {
        _work.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }
}

[CollectionDefinition(DebPackages.Collection)]
public sealed class DebPackagesCollection : ICollectionFixture<DebPackages>;

/// <summary>Runs a program to its end and returns its exit code and everything it printed.</summary>
internal static class Run
{
    public static async Task<(int Exit, string Output)> ProcessAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using var process = Process.Start(psi)!;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish within {timeout}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
