namespace Edge.Common.Contracts;

/// <summary>Stop an instance: SIGTERM, then SIGKILL after the grace period.</summary>
/// <param name="InstanceId">The instance to stop.</param>
/// <param name="GracePeriodMs">Overrides the grace period given at start when set.</param>
public sealed record StopSpec(string InstanceId, int? GracePeriodMs = null);
