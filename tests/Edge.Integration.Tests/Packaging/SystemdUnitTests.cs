using System.Diagnostics;

namespace Edge.Integration.Tests.Packaging;

public sealed class SystemdUnitTests
{
    [Theory]
    [InlineData("edge-agent.service", "edge-agent")]
    [InlineData("edge-controller.service", "edge-controller")]
    public async Task Verify_ShippedUnit_IsAcceptedBySystemdAnalyze(string unit, string binary)
    {
        Assert.SkipUnless(File.Exists("/usr/bin/systemd-analyze"), "systemd-analyze is not installed on this machine");
        var source = Path.Combine(RepoPaths.Root, "packaging", "systemd", unit);
        var text = await File.ReadAllTextAsync(source, TestContext.Current.CancellationToken);
        Assert.Contains("Type=notify", text, StringComparison.Ordinal);
        Assert.Contains("Restart=on-failure", text, StringComparison.Ordinal);

        // verify also checks that ExecStart exists: point it at the binary this build produced.
        var built = Path.Combine(AppContext.BaseDirectory, binary);
        Assert.True(File.Exists(built), $"expected the {binary} apphost beside the tests at {built}");
        var dir = Directory.CreateTempSubdirectory("edge-unit-");
        try
        {
            var installed = text.Replace($"/opt/edge/{binary.Replace("edge-", "", StringComparison.Ordinal)}/{binary}", built, StringComparison.Ordinal);
            Assert.NotEqual(text, installed);
            var path = Path.Combine(dir.FullName, unit);
            await File.WriteAllTextAsync(path, installed, TestContext.Current.CancellationToken);

            var (exit, output) = await RunAsync("/usr/bin/systemd-analyze", "verify", path);

            var ours = string.Join('\n', output.Split('\n').Where(l => l.Contains(unit, StringComparison.Ordinal)));
            Assert.True(exit == 0 && ours.Length == 0, $"systemd-analyze verify {unit} exited {exit}:\n{output}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A ratchet on the units' hardening: systemd-analyze security (systemd 252, offline, so no running systemd is
    /// needed) scores each unit's exposure from 0 (locked down) to 10. Measured when the units were hardened for
    /// issue 11: edge-agent 7.2 before, 4.7 after; edge-controller 1.8 before, 1.3 after. A change that loosens a
    /// unit fails here; one that tightens it should lower the bound.
    /// </summary>
    [Theory]
    [InlineData("edge-agent.service", 4.7)]
    [InlineData("edge-controller.service", 1.3)]
    public async Task SecurityExposure_ShippedUnit_StaysAtOrBelowTheMeasuredLevel(string unit, double bound)
    {
        Assert.True(File.Exists("/usr/bin/systemd-analyze"), "systemd-analyze is missing: run packaging/dev/setup.sh (installs systemd)");
        var source = Path.Combine(RepoPaths.Root, "packaging", "systemd", unit);

        var (exit, output) = await RunAsync("/usr/bin/systemd-analyze", "security", "--offline=true", "--no-pager", source);

        var match = System.Text.RegularExpressions.Regex.Match(output, $@"Overall exposure level for {System.Text.RegularExpressions.Regex.Escape(unit)}: (\d+\.\d+)");
        Assert.True(exit == 0 && match.Success, $"systemd-analyze security {unit} exited {exit}:\n{output}");
        var exposure = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(exposure <= bound, $"{unit}: exposure {exposure} is above the measured {bound}:\n{output}");
    }

    [Fact]
    public async Task AgentUnit_Capabilities_IncludeWhatPrivilegeDropNeedsAndNotOpenByHandle()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "packaging", "systemd", "edge-agent.service"), TestContext.Current.CancellationToken);
        var bounding = text.Split('\n').Single(l => l.StartsWith("CapabilityBoundingSet=", StringComparison.Ordinal))["CapabilityBoundingSet=".Length..].Split(' ');

        // setpriv needs SETUID/SETGID to change user and SETPCAP to empty the bounding set; CHOWN for the instance directory.
        Assert.Superset(new HashSet<string> { "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_CHOWN", "CAP_KILL" }, bounding.ToHashSet());
        Assert.DoesNotContain("CAP_DAC_READ_SEARCH", bounding);
        Assert.DoesNotContain("AmbientCapabilities=CAP", text, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
