namespace Edge.Controller.Dashboard;

/// <summary>What a node or an instance used: CPU in cores, memory in MiB, network in Mbps (receive plus transmit).</summary>
/// <param name="CpuCores">CPU in cores (the latest sample for a node, the peak for an instance).</param>
/// <param name="MemoryMiB">Memory in MiB (the latest sample for a node, the peak for an instance).</param>
/// <param name="NetworkMbps">Network in Mbps, receive plus transmit for a node, the larger direction's peak for an instance; null when not reported.</param>
/// <param name="AtMs">Unix milliseconds of the newest sample behind these figures; null for an instance's peaks.</param>
internal sealed record DashboardUsage(double CpuCores, double MemoryMiB, double? NetworkMbps, long? AtMs);
