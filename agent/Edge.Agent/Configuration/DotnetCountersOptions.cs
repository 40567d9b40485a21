namespace Edge.Agent.Configuration;

/// <summary>.NET runtime counters of other processes on the node (section <c>Agent:DotnetCounters</c>).</summary>
internal sealed record DotnetCountersOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>At most this many .NET processes are watched at once (each costs an EventPipe session).</summary>
    public int MaxProcesses { get; set; } = 8;

    /// <summary>How often new .NET processes are looked for.</summary>
    public TimeSpan DiscoveryInterval { get; set; } = TimeSpan.FromSeconds(10);
}
