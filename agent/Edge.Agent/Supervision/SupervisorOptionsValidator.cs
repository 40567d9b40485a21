using System.Globalization;
using Edge.Agent.Cgroups;
using Edge.Agent.Configuration;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Supervision;

/// <summary>
/// Reports every wrong "Supervisor" setting at once, each with its key. With the agent's options at hand it also
/// rejects deprecated keys that contradict the "Agent" ones (node id, capacity), which alone are authoritative.
/// </summary>
internal sealed class SupervisorOptionsValidator(IOptions<AgentOptions>? agent = null) : IValidateOptions<SupervisorOptions>
{
    private static readonly string[] Modes = ["auto", EnforcementModes.CgroupV1, EnforcementModes.CgroupV2, EnforcementModes.Rlimit];

    public ValidateOptionsResult Validate(string? name, SupervisorOptions options)
    {
        var errors = new List<string>();
        const string S = SupervisorOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.CgroupParent) || options.CgroupParent.Split('/').Any(p => p is "." or ".."))
        {
            errors.Add($"{S}:CgroupParent '{options.CgroupParent}' must be a relative path without '.' or '..' parts");
        }

        if (!Modes.Contains(options.Enforcement))
        {
            errors.Add($"{S}:Enforcement '{options.Enforcement}' must be one of {string.Join(", ", Modes)}");
        }

        if (string.IsNullOrWhiteSpace(options.StateDirectory))
        {
            errors.Add($"{S}:StateDirectory must be set");
        }

        if (options.OutputSegmentBytes is < 4096 or > 1L << 30)
        {
            errors.Add($"{S}:OutputSegmentBytes '{options.OutputSegmentBytes.ToString(CultureInfo.InvariantCulture)}' must be between 4096 and 1073741824");
        }

        if (options.OutputSegments is < 1 or > 100)
        {
            errors.Add($"{S}:OutputSegments '{options.OutputSegments.ToString(CultureInfo.InvariantCulture)}' must be between 1 and 100");
        }

        if (options.OutputRetention < TimeSpan.Zero)
        {
            errors.Add($"{S}:OutputRetention '{options.OutputRetention}' must not be negative");
        }

        foreach (var entry in options.AllowedExecutables)
        {
            if (!Path.IsPathFullyQualified(entry))
            {
                errors.Add($"{S}:AllowedExecutables entry '{entry}' must be an absolute path");
            }
        }

        // Each key on its own, so that both are reported when both are wrong.
        if (RunAsPolicy.TryParse(options.RunAsUser, new SupervisorOptions().DynamicUsers, "/etc/passwd", out var runAsError) is null)
        {
            errors.Add(runAsError!);
        }

        if (RunAsPolicy.TryParse(RunAsPolicy.Dynamic, options.DynamicUsers, "/etc/passwd", out var rangeError) is null)
        {
            errors.Add(rangeError!);
        }

        foreach (var entry in options.AllowedEnvironment)
        {
            var prefix = entry.EndsWith('*') ? entry[..^1] : entry;
            if (entry != "*" && (prefix.Length == 0 || char.IsAsciiDigit(prefix[0]) || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
            {
                errors.Add($"{S}:AllowedEnvironment entry '{entry}' must be '*', a variable name or a name prefix ending in '*'");
            }
        }

        if (options.InstanceDirectory.Length > 0 && !Path.IsPathFullyQualified(options.InstanceDirectory))
        {
            errors.Add($"{S}:InstanceDirectory '{options.InstanceDirectory}' must be an absolute path");
        }

        AddIf(errors, options.NetworkIsolation is not (NetworkIsolationModes.Always or NetworkIsolationModes.OnRequest),
            $"{S}:NetworkIsolation '{options.NetworkIsolation}' must be '{NetworkIsolationModes.Always}' or '{NetworkIsolationModes.OnRequest}'");
        if (!InstanceNetwork.TryValidateSubnet(options.NetworkSubnet, out var subnetError))
        {
            errors.Add($"{S}:NetworkSubnet: {subnetError}");
        }

        AddIf(errors, options.MinCpuMillicores is < 1 or > 1_000_000 || !double.IsFinite(options.MinCpuMillicores), $"{S}:MinCpuMillicores {options.MinCpuMillicores} must be in 1..1000000");
        AddIf(errors, options.MinMemoryMiB is < 1 or > 1_048_576 || !double.IsFinite(options.MinMemoryMiB), $"{S}:MinMemoryMiB {options.MinMemoryMiB} must be in 1..1048576");
        AddIf(errors, options.CapacityMillicores < 0 || !double.IsFinite(options.CapacityMillicores), $"{S}:CapacityMillicores {options.CapacityMillicores} must be 0 (detect) or positive");
        AddIf(errors, options.CapacityMemoryMiB < 0 || !double.IsFinite(options.CapacityMemoryMiB), $"{S}:CapacityMemoryMiB {options.CapacityMemoryMiB} must be 0 (detect) or positive");
        AddIf(errors, options.MaxGracePeriodMs < 0, $"{S}:MaxGracePeriodMs {options.MaxGracePeriodMs} must not be negative");
        AddIf(errors, options.MonitorIntervalMs < 10, $"{S}:MonitorIntervalMs {options.MonitorIntervalMs} must be at least 10");
        AddIf(errors, options.ThrottleEventIntervalMs < 0, $"{S}:ThrottleEventIntervalMs {options.ThrottleEventIntervalMs} must not be negative");
        AddIf(errors, options.AppliedCommandsToKeep < 1, $"{S}:AppliedCommandsToKeep {options.AppliedCommandsToKeep} must be at least 1");
        AddIf(errors, options.CleanupTimeoutMs < 0, $"{S}:CleanupTimeoutMs {options.CleanupTimeoutMs} must not be negative");
        if (agent is not null)
        {
            ValidateAgainstAgent(options, agent.Value, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateAgainstAgent(SupervisorOptions options, AgentOptions agent, List<string> errors)
    {
        const string S = SupervisorOptions.SectionName;
        const string A = AgentOptions.SectionName;
        AddIf(errors, options.NodeId.Length > 0 && options.NodeId != agent.NodeId,
            $"{S}:NodeId '{options.NodeId}' differs from {A}:NodeId '{agent.NodeId}': the node id is {A}:NodeId only; remove {S}:NodeId");
        AddIf(errors, options.CapacityMillicores > 0 && agent.Capacity.CpuMillicores is { } cpu && cpu != options.CapacityMillicores,
            $"{S}:CapacityMillicores {F(options.CapacityMillicores)} differs from {A}:Capacity:CpuMillicores {F(agent.Capacity.CpuMillicores ?? 0)}: remove the deprecated {S} key");
        AddIf(errors, options.CapacityMemoryMiB > 0 && agent.Capacity.MemoryMiB is { } mem && mem != options.CapacityMemoryMiB,
            $"{S}:CapacityMemoryMiB {F(options.CapacityMemoryMiB)} differs from {A}:Capacity:MemoryMiB {F(agent.Capacity.MemoryMiB ?? 0)}: remove the deprecated {S} key");
    }

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static void AddIf(List<string> errors, bool condition, string error)
    {
        if (condition)
        {
            errors.Add(error);
        }
    }
}
