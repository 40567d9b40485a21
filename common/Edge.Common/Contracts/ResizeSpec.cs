namespace Edge.Common.Contracts;

/// <summary>New limits for a running instance, applied in place.</summary>
/// <param name="InstanceId">The instance to resize.</param>
/// <param name="Limits">The new limits.</param>
/// <param name="AllowKill">Whether a memory limit below current usage may OOM-kill the instance.</param>
public sealed record ResizeSpec(string InstanceId, InstanceLimits Limits, bool AllowKill = false);
