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
