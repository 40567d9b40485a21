using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

/// <summary>Where the broker gets a component's prediction profile (the forecaster, at the configured risk level).</summary>
public interface IProfileSource
{
    /// <summary>The profile to reserve for the next instance of <paramref name="componentId"/>; null when the component is unknown.</summary>
    ValueTask<PredictionProfile?> GetProfileAsync(
        string componentId,
        string? workflowRunId,
        IReadOnlyDictionary<string, string>? hints,
        CancellationToken cancellationToken);
}
