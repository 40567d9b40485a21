using Edge.Common.Contracts;

namespace Edge.Controller.Dashboard;

/// <summary>One node on the fleet page: its status, capacity, what is reserved on it and what it uses.</summary>
/// <param name="NodeId">The node's id.</param>
/// <param name="Online">Whether its agent is connected.</param>
/// <param name="Cordoned">Whether an operator cordoned it (no new placements; <c>edgectl nodes cordon</c> or <c>drain</c>).</param>
/// <param name="LastSeenMs">Unix milliseconds the controller last heard from it.</param>
/// <param name="AgentVersion">The agent's version, from its status; empty when it published none.</param>
/// <param name="EnforcementMode">How the agent enforces limits (cgroup-v1, cgroup-v2, rlimit); empty when unknown.</param>
/// <param name="Capacity">What the node offers; null when it has published no status.</param>
/// <param name="Reserved">The sum of the active allocations placed on it.</param>
/// <param name="Used">Its latest node-wide usage from the metric history; null when no sample arrived in the last minute.</param>
/// <param name="Instances">Active allocations (instances) on it.</param>
/// <param name="Labels">Its labels.</param>
internal sealed record DashboardNode(
    string NodeId,
    bool Online,
    bool Cordoned,
    long LastSeenMs,
    string AgentVersion,
    string EnforcementMode,
    ResourceQuantity? Capacity,
    ResourceQuantity Reserved,
    DashboardUsage? Used,
    int Instances,
    IReadOnlyDictionary<string, string> Labels);
