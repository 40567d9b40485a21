namespace Edge.Agent.Sampling;

/// <summary>Where the kernel's files are read from; tests point it at a directory of hand-made files.</summary>
/// <param name="ProcRoot">Usually <c>/proc</c>.</param>
/// <param name="SysRoot">Usually <c>/sys</c>.</param>
internal sealed record ProcPaths(string ProcRoot = "/proc", string SysRoot = "/sys")
{
    public static ProcPaths Default { get; } = new();

    public string Stat => Path.Combine(ProcRoot, "stat");
    public string MemInfo => Path.Combine(ProcRoot, "meminfo");
    public string NetDev => Path.Combine(ProcRoot, "net", "dev");

    /// <summary>Pressure stall file for <c>cpu</c>, <c>memory</c> or <c>io</c>.</summary>
    public string Pressure(string resource) => Path.Combine(ProcRoot, "pressure", resource);

    /// <summary>Link speed in Mbps of a network interface, as the driver reports it.</summary>
    public string InterfaceSpeed(string iface) => Path.Combine(SysRoot, "class", "net", iface, "speed");
}
