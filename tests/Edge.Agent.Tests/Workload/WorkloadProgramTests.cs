using System.Diagnostics;

namespace Edge.Agent.Tests.Workload;

/// <summary>The bundled edge-workload program, run as the agent runs it.</summary>
public sealed class WorkloadProgramTests
{
    [Fact]
    public async Task ShortRuns_BurningAFractionOfACore_AllExitZero()
    {
        // Its CPU threads once outlived the cancellation source at the end of a run and crashed the process (exit 134)
        // about one run in a few dozen: run it enough times that the old race would show, and each run must end cleanly.
        var program = Path.Combine(AppContext.BaseDirectory, "edge-workload");
        Assert.True(File.Exists(program), $"{program} is built with the agent");
        var exits = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var psi = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[] { "--cpu", "0.05", "--memory", "4", "--duration", "0.2" })
            {
                psi.ArgumentList.Add(arg);
            }

            using var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            if (process.ExitCode != 0)
            {
                exits.Add($"run {i}: exit {process.ExitCode}: {await stderr}");
            }
        }

        Assert.Empty(exits);
    }
}
