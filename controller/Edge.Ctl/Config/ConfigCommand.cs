using System.CommandLine;
using System.Diagnostics;
using Edge.Ctl.Cli;

namespace Edge.Ctl.Config;

/// <summary>
/// <c>edgectl config validate --controller FILE | --agent FILE</c>: runs the service's own validation
/// (<c>edge-controller --check-config --config FILE</c> / <c>edge-agent --check-config --config FILE</c>), so the
/// answer is exactly what the service would say at start. The binaries are found through <c>EDGE_CONTROLLER_BIN</c> /
/// <c>EDGE_AGENT_BIN</c>, else next to edgectl, else on PATH. Exit 0 valid, 1 invalid, 2 usage.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var config = new Command("config", "Check configuration files");
        var controller = new Option<FileInfo?>("--controller") { Description = "A controller configuration file (as /etc/edge/controller.json)" };
        var agent = new Option<FileInfo?>("--agent") { Description = "An agent configuration file (as /etc/edge/agent.json)" };
        var validate = new Command("validate", "Validate a controller or agent configuration file with the service's own checks") { controller, agent };
        validate.SetAction(async (parse, ct) =>
        {
            var c = parse.GetValue(controller);
            var a = parse.GetValue(agent);
            if ((c is null) == (a is null))
            {
                await stderr.WriteLineAsync("edgectl config validate: give exactly one of --controller FILE or --agent FILE");
                return CliExit.Usage;
            }

            var (file, binary, variable) = c is not null ? (c, "edge-controller", "EDGE_CONTROLLER_BIN") : (a!, "edge-agent", "EDGE_AGENT_BIN");
            if (!file.Exists)
            {
                await stderr.WriteLineAsync($"edgectl config validate: file '{file.FullName}' does not exist");
                return CliExit.Error;
            }

            if (Find(binary, variable) is not { } path)
            {
                await stderr.WriteLineAsync($"edgectl config validate: cannot find {binary}: set {variable}, or install it next to edgectl ({AppContext.BaseDirectory}) or on PATH");
                return CliExit.Error;
            }

            return await RunAsync(path, file.FullName, stdout, stderr, ct) == 0 ? CliExit.Ok : CliExit.Error;
        });
        config.Subcommands.Add(validate);
        return config;
    }

    /// <summary>The service binary: the variable's path, else beside edgectl, else the first on PATH.</summary>
    internal static string? Find(string binary, string variable)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } named)
        {
            return File.Exists(named) ? named : null;
        }

        var beside = Path.Combine(AppContext.BaseDirectory, binary);
        if (File.Exists(beside))
        {
            return beside;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, binary)).FirstOrDefault(File.Exists);
    }

    private static async Task<int> RunAsync(string path, string file, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--check-config");
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(file);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {path}");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        await stdout.WriteAsync(await output);
        await stderr.WriteAsync(await errors);
        return process.ExitCode;
    }
}
