namespace Edge.Common.Contracts;

/// <summary>
/// An amount of the three resources Edge manages: CPU in millicores, memory in MiB, network in Mbps.
/// Used for node capacity, instance limits, reservations and predictions alike.
/// </summary>
/// <param name="CpuMillicores">CPU in thousandths of a core.</param>
/// <param name="MemoryMiB">Memory in mebibytes.</param>
/// <param name="NetworkMbps">Network bandwidth in megabits per second; null when not known or not limited.</param>
public sealed record ResourceQuantity(double CpuMillicores, double MemoryMiB, double? NetworkMbps = null);
