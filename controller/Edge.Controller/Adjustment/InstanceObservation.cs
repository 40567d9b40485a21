namespace Edge.Controller.Adjustment;

/// <summary>One tick of a running instance as the agent reported it.</summary>
/// <param name="CpuMillicores">CPU used over the last interval.</param>
/// <param name="MemoryMiB">Memory in use now.</param>
/// <param name="Throttled">Whether the CPU quota throttled it during the interval: its true demand is above the limit.</param>
/// <param name="MemoryPressure">Whether the agent saw it pressed against its enforced memory limit: its true demand may be above it.</param>
/// <param name="ThrottledSeconds">
/// How much throttled time the interval added (cgroup <c>cpu.stat</c> <c>throttled_usec</c>, or v1's
/// <c>throttled_time</c>): time runnable threads waited for quota, summed over CPUs. Over the interval's length it is
/// the CPU the instance wanted beyond what it got. Null when the agent did not report it.
/// </param>
/// <param name="NetworkTxMbps">What the instance sent over the interval (its own network namespace's traffic); null when not measured.</param>
/// <param name="NetworkRxMbps">What it received; null when not measured.</param>
/// <param name="AtMs">When the agent took the reading (its batch's timestamp), to turn <paramref name="ThrottledSeconds"/> into a rate; null when unknown.</param>
internal readonly record struct InstanceObservation(
    double CpuMillicores,
    double MemoryMiB,
    bool Throttled,
    bool MemoryPressure = false,
    double? ThrottledSeconds = null,
    long? AtMs = null,
    double? NetworkTxMbps = null,
    double? NetworkRxMbps = null)
{
    /// <summary>The busier direction, the one a cap in both directions holds first; null when not measured.</summary>
    public double? NetworkMbps => NetworkTxMbps is null && NetworkRxMbps is null ? null : Math.Max(NetworkTxMbps ?? 0, NetworkRxMbps ?? 0);
}
