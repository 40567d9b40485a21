namespace Edge.Controller.Adjustment;

/// <summary>One tick of a running instance as the agent reported it.</summary>
/// <param name="CpuMillicores">CPU used over the last interval.</param>
/// <param name="MemoryMiB">Memory in use now.</param>
/// <param name="Throttled">Whether the CPU quota throttled it during the interval: its true demand is above the limit.</param>
/// <param name="MemoryPressure">Whether the agent saw it pressed against its enforced memory limit: its true demand may be above it.</param>
internal readonly record struct InstanceObservation(double CpuMillicores, double MemoryMiB, bool Throttled, bool MemoryPressure = false);
