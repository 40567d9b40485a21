namespace Edge.Models;

/// <summary>The resource a series measures: CPU in cores, memory in MiB, network in Mbps.</summary>
public enum ResourceKind
{
    Cpu,
    Memory,
    Network,
}
