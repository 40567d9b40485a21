namespace Edge.Agent.Configuration;

/// <summary>
/// Overrides what the node advertises and admits instances against (section <c>Agent:Capacity</c>); each value
/// left unset is detected from /proc and /sys. Resolved into the one <see cref="NodeCapacity"/>.
/// </summary>
internal sealed record CapacityOptions
{
    public double? CpuMillicores { get; set; }
    public double? MemoryMiB { get; set; }
    public double? NetworkMbps { get; set; }
}
