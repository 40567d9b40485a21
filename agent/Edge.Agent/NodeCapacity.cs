using System.Globalization;
using Edge.Agent.Configuration;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;

namespace Edge.Agent;

/// <summary>
/// What this node offers, resolved once at start and shared by both halves of the agent: the retained status
/// advertises it (the controller's broker places against it) and the supervisor admits start and resize commands
/// against the same numbers. Each value is <c>Agent:Capacity</c>'s when set, else the deprecated
/// <c>Supervisor:CapacityMillicores</c> / <c>CapacityMemoryMiB</c> when set, else detected by
/// <see cref="Sampling.NodeCapacityProbe"/>.
/// </summary>
internal sealed record NodeCapacity(double Millicores, double MemoryMiB, double? NetworkMbps = null)
{
    public ResourceQuantity Quantity => new(Millicores, MemoryMiB, NetworkMbps);

    public static NodeCapacity Resolve(CapacityOptions configured, SupervisorOptions? legacy, ResourceQuantity detected) => new(
        configured.CpuMillicores ?? Legacy(legacy?.CapacityMillicores) ?? detected.CpuMillicores,
        configured.MemoryMiB ?? Legacy(legacy?.CapacityMemoryMiB) ?? detected.MemoryMiB,
        configured.NetworkMbps ?? detected.NetworkMbps);

    /// <summary>
    /// The deprecated supervisor keys that are set, with the key that replaces each; a value equal to the
    /// <c>Agent:Capacity</c> one is reported too (it is redundant), a different one fails validation instead.
    /// </summary>
    public static IEnumerable<(string Key, string Replacement)> DeprecatedKeysIn(SupervisorOptions options)
    {
        const string S = SupervisorOptions.SectionName;
        if (options.CapacityMillicores > 0)
        {
            yield return ($"{S}:CapacityMillicores", $"{AgentOptions.SectionName}:Capacity:CpuMillicores");
        }

        if (options.CapacityMemoryMiB > 0)
        {
            yield return ($"{S}:CapacityMemoryMiB", $"{AgentOptions.SectionName}:Capacity:MemoryMiB");
        }

        if (options.NodeId.Length > 0)
        {
            yield return ($"{S}:NodeId", $"{AgentOptions.SectionName}:NodeId");
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Millicores} millicores, {MemoryMiB} MiB, {(NetworkMbps is { } n ? n + " Mbps" : "network unknown")}");

    private static double? Legacy(double? value) => value is > 0 ? value : null;
}
