namespace Edge.Agent.Supervision;

/// <summary>Why the driver chosen at start is process limits rather than cgroups (null when cgroups are used).</summary>
internal sealed record CgroupSelection(string? FallbackReason);
