namespace Edge.Controller.Adjustment;

/// <summary>One instance the adjuster follows: its drift tracker, and a gate so that its observations are handled one at a time.</summary>
internal sealed class TrackedInstance(DriftTracker tracker)
{
    public DriftTracker Tracker { get; } = tracker;

    /// <summary>Held across the broker call a proposal leads to, so the next observation sees the outcome.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);
}
