using System.Globalization;
using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

/// <summary>
/// The checks a command must pass before it has any effect. Each returns null when the command is acceptable,
/// else a reason that names the offending value. Checks that need the running instances live in the supervisor.
/// </summary>
internal sealed class CommandValidator(SupervisorOptions options, NodeCapacity capacity, string nodeId, bool networkIsolation, InstanceUser? accessUser)
{
    /// <summary>
    /// Stands for a dynamic user in access checks: it owns no file, so only the "other" permission bits apply, as
    /// they do for a fresh dynamic uid (which owns nothing but its instance directory).
    /// </summary>
    public static readonly InstanceUser AnyDynamicUser = new(2_147_483_646, 2_147_483_646);

    private readonly EnvironmentPolicy _environment = new() { Allowed = options.EffectiveAllowedEnvironment };

    public NodeCapacity Capacity => capacity;

    public string? ValidateEnvelope(NodeCommand command)
    {
        if (!IdValidator.IsValidSegment(command.CommandId, out var error))
        {
            return $"command id: {error}";
        }

        if (!string.Equals(command.NodeId, nodeId, StringComparison.Ordinal))
        {
            return $"command is for node '{command.NodeId}', this node is '{nodeId}'";
        }

        var payloads = (command.Start is null ? 0 : 1) + (command.Resize is null ? 0 : 1) + (command.Stop is null ? 0 : 1);
        var matches = command.Kind switch
        {
            CommandKind.Start => command.Start is not null,
            CommandKind.Resize => command.Resize is not null,
            CommandKind.Stop => command.Stop is not null,
            _ => false,
        };
        return matches && payloads == 1
            ? null
            : $"command kind '{command.Kind}' does not match its payload (start: {command.Start is not null}, resize: {command.Resize is not null}, stop: {command.Stop is not null})";
    }

    /// <summary>Null when <paramref name="spec"/> may start; <paramref name="executable"/> is then the resolved file to run.</summary>
    public string? ValidateStart(StartSpec spec, out string executable)
    {
        executable = spec.Executable;
        if (!IdValidator.IsValidSegment(spec.InstanceId, out var error))
        {
            return $"instance id: {error}";
        }

        if (!IdValidator.IsValidComponentId(spec.ComponentId, out error))
        {
            return $"component id: {error}";
        }

        if (spec.WorkflowRunId is not null && !IdValidator.IsValidSegment(spec.WorkflowRunId, out error))
        {
            return $"workflow run id: {error}";
        }

        return ValidateExecutable(spec.Executable, out executable)
            ?? ValidateProcessInput(spec)
            ?? _environment.Check(spec.Env)
            ?? (spec.GracePeriodMs < 0 || spec.GracePeriodMs > options.MaxGracePeriodMs
                ? $"grace period {spec.GracePeriodMs} ms is outside 0..{options.MaxGracePeriodMs} ms" : null)
            ?? (spec.NetworkIsolation && !networkIsolation ? "network isolation (NetworkIsolation=true) needs root and iproute2 on this node" : null)
            ?? ValidateLimits(spec.Limits);
    }

    private string? ValidateExecutable(string executable, out string resolved)
    {
        resolved = executable;
        if (string.IsNullOrEmpty(executable) || !Path.IsPathFullyQualified(executable) || Path.GetFullPath(executable) != executable)
        {
            return $"executable '{executable}' is not an absolute, normalised path";
        }

        var error = ExecutableTrust.Check(executable, options.EffectiveAllowList, out resolved);
        if (error is not null || accessUser is not { } user)
        {
            return error;
        }

        var dll = resolved + ".dll";
        return (UnixAccess.Check(resolved, user, UnixAccess.Execute) is { } denied ? $"executable '{executable}' cannot be run by the instance user: {denied}" : null)
            ?? (File.Exists(dll) && UnixAccess.Check(dll, user, UnixAccess.Read) is { } dllDenied ? $".NET assembly '{dll}' cannot be read by the instance user: {dllDenied}" : null);
    }

    private string? ValidateProcessInput(StartSpec spec)
    {
        var badArg = spec.Args.FirstOrDefault(a => a.Contains('\0', StringComparison.Ordinal));
        if (badArg is not null)
        {
            return $"argument '{badArg.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character";
        }

        var badKey = spec.Env.Keys.FirstOrDefault(k => k.Length == 0 || k.Contains('=', StringComparison.Ordinal) || k.Contains('\0', StringComparison.Ordinal));
        if (badKey is not null)
        {
            return $"environment variable name '{badKey}' is empty or contains '=' or NUL";
        }

        if (spec.WorkingDirectory is { } dir && (!Path.IsPathFullyQualified(dir) || !Directory.Exists(dir)))
        {
            return $"working directory '{dir}' is not an existing absolute path";
        }

        if (spec.WorkingDirectory is { } workDir && accessUser is { } user && UnixAccess.Check(workDir, user, UnixAccess.Execute) is { } denied)
        {
            return $"working directory '{workDir}' cannot be entered by the instance user: {denied}";
        }

        return null;
    }

    public string? ValidateLimits(InstanceLimits limits)
    {
        string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (!double.IsFinite(limits.CpuMillicores) || limits.CpuMillicores < options.MinCpuMillicores)
        {
            return $"cpu {F(limits.CpuMillicores)} millicores is below the floor of {F(options.MinCpuMillicores)}";
        }

        if (limits.CpuMillicores > capacity.Millicores)
        {
            return $"cpu {F(limits.CpuMillicores)} millicores is above the node capacity of {F(capacity.Millicores)}";
        }

        if (!double.IsFinite(limits.MemoryMiB) || limits.MemoryMiB < options.MinMemoryMiB)
        {
            return $"memory {F(limits.MemoryMiB)} MiB is below the floor of {F(options.MinMemoryMiB)} MiB";
        }

        if (limits.MemoryMiB > capacity.MemoryMiB)
        {
            return $"memory {F(limits.MemoryMiB)} MiB is above the node capacity of {F(Math.Floor(capacity.MemoryMiB))} MiB";
        }

        if (limits.MemorySoftMiB is { } soft && (!double.IsFinite(soft) || soft < options.MinMemoryMiB || soft > limits.MemoryMiB))
        {
            return $"memory soft limit {F(soft)} MiB is outside {F(options.MinMemoryMiB)}..{F(limits.MemoryMiB)} MiB";
        }

        return limits.NetworkMbps is { } mbps && (!double.IsFinite(mbps) || mbps <= 0)
            ? $"network {F(mbps)} Mbps must be positive"
            : null;
    }
}
