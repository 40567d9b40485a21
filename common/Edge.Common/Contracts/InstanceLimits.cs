namespace Edge.Common.Contracts;

/// <summary>Limits enforced on one instance.</summary>
/// <param name="CpuMillicores">CPU quota in thousandths of a core.</param>
/// <param name="MemoryMiB">Hard memory limit; above it the instance is OOM-killed.</param>
/// <param name="MemorySoftMiB">Optional soft limit (cgroup v2 <c>memory.high</c>, v1 <c>memory.soft_limit_in_bytes</c>).</param>
/// <param name="NetworkMbps">Optional egress cap; enforced only for network-isolated instances.</param>
public sealed record InstanceLimits(double CpuMillicores, double MemoryMiB, double? MemorySoftMiB = null, double? NetworkMbps = null);
