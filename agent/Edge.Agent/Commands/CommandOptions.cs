namespace Edge.Agent.Commands;

/// <summary>How the agent judges the commands it receives (section <c>Agent:Commands</c>; docs/ha.md, "Fencing").</summary>
internal sealed record CommandOptions
{
    /// <summary>
    /// How far this host's clock may run ahead of the controller's: a command is refused as expired only once this
    /// host's clock is past its <c>expiresAtMs</c> by more than this. Hosts are assumed NTP-synchronised well within it.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
