using Edge.Common.Contracts;

namespace Edge.Controller.Dashboard;

/// <summary>One finished attempt of a step, from the feedback ledger: where it ran, what it had and what it used.</summary>
/// <param name="InstanceId">The attempt's instance (allocation) id.</param>
/// <param name="NodeId">The node it ended on.</param>
/// <param name="Outcome">succeeded, failed or oomKilled.</param>
/// <param name="StartedAtMs">Unix milliseconds it started.</param>
/// <param name="EndedAtMs">Unix milliseconds it ended.</param>
/// <param name="Reserved">The limits it ended with, else the ones it was placed with.</param>
/// <param name="Used">Its peaks.</param>
/// <param name="Model">The recommender behind its prediction; empty when unknown.</param>
/// <param name="Events">What its agent reported while it ran (the run record's events).</param>
internal sealed record DashboardAttempt(
    string InstanceId,
    string NodeId,
    string Outcome,
    long StartedAtMs,
    long EndedAtMs,
    ResourceQuantity? Reserved,
    DashboardUsage Used,
    string Model,
    IReadOnlyList<RunEvent> Events);
