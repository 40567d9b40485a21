using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

/// <summary>
/// What the controller lets an agent start: the command must be on <see cref="AllowedCommands"/> (absolute paths
/// compared exactly; a trailing <c>/*</c> allows the files directly in that directory) and the environment must pass
/// <see cref="Environment"/> (<see cref="EnvironmentPolicy"/>: no loader or runtime variables unless the operator
/// names them). One check for every path that starts something: HTTP allocations, workflow steps (HTTP and MQTT
/// submissions), queued requests when they are served, re-placements after a node loss and migrations. Built from
/// <c>Controller:Workflows:AllowedCommands</c> and <c>Controller:Workflows:AllowedEnvironment</c>.
/// </summary>
internal sealed record LaunchPolicy(IReadOnlyList<string> AllowedCommands, EnvironmentPolicy Environment)
{
    /// <summary>The commands allowed when none are configured: the bundled workload.</summary>
    public static IReadOnlyList<string> DefaultCommands { get; } = ["/opt/edge/bin/edge-workload"];

    /// <summary>The default: the bundled workload only, the default environment policy.</summary>
    public static LaunchPolicy Default { get; } = new(DefaultCommands, EnvironmentPolicy.Default);

    public bool IsCommandAllowed(string command) =>
        AllowedCommands.Any(a => a == command || (a.EndsWith("/*", StringComparison.Ordinal) && command.StartsWith(a[..^1], StringComparison.Ordinal) && !command[(a.Length - 1)..].Contains('/', StringComparison.Ordinal)));

    /// <summary>Null when the command and environment may be started; else why not, naming the value.</summary>
    public string? Check(string? command, IReadOnlyDictionary<string, string>? env)
    {
        if (command is not null && !IsCommandAllowed(command))
        {
            return $"command '{command}' is not on the allow-list (Controller:Workflows:AllowedCommands)";
        }

        return Environment.Check(env) is { } envError ? $"env: {envError}" : null;
    }

    /// <summary><see cref="Check(string?, IReadOnlyDictionary{string, string}?)"/> for an allocation request.</summary>
    public string? Check(AllocationRequest request) => Check(request.Executable, request.Env);
}
