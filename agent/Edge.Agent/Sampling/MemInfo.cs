namespace Edge.Agent.Sampling;

/// <summary>Node memory in KiB as /proc/meminfo states it.</summary>
internal readonly record struct MemInfo(ulong TotalKiB, ulong AvailableKiB)
{
    public double TotalMiB => TotalKiB / 1024.0;
    public double AvailableMiB => AvailableKiB / 1024.0;
    public double UsedMiB => (TotalKiB - Math.Min(AvailableKiB, TotalKiB)) / 1024.0;
}
