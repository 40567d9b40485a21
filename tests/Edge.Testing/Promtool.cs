using System.Diagnostics;

namespace Edge.Testing;

/// <summary>
/// Runs Prometheus's own linter, <c>promtool check metrics</c> (Debian's <c>prometheus</c> package, installed by
/// packaging/dev/setup.sh), over an exposition: it reads the text on stdin and exits non-zero on format errors, and
/// prints naming-convention problems (missing <c>_total</c>, non-base units, …) one per line.
/// </summary>
public static class Promtool
{
    /// <summary>The result of one check: promtool's exit code and everything it printed.</summary>
    public sealed record Result(int ExitCode, string Output)
    {
        /// <summary>True when promtool accepted the text and printed no lint finding.</summary>
        public bool Clean => ExitCode == 0 && Output.Trim().Length == 0;
    }

    /// <summary>Checks <paramref name="exposition"/>; throws if promtool is not installed (a missing tool is a failure, not a skip).</summary>
    public static async Task<Result> CheckMetricsAsync(string exposition, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(Locate(), "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(exposition.AsMemory(), cancellationToken);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        return new Result(process.ExitCode, (await stdout) + (await stderr));
    }

    private static string Locate()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "promtool");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new InvalidOperationException("promtool not found on PATH: install Debian's prometheus package (packaging/dev/setup.sh does)");
    }
}
