namespace Edge.Controller.Leadership;

/// <summary>
/// Who may decide. Only the leader places, commands, adjusts and advances workflows; every controller ingests.
/// <see cref="Term"/> is the fencing token: it only grows, every command a leader sends carries it, and agents
/// refuse commands from a term older than the newest they have seen.
/// </summary>
public interface ILeadership
{
    /// <summary>True while this controller holds the lease (or is the only controller).</summary>
    bool IsLeader { get; }

    /// <summary>The term this controller leads in; 0 while it has never led.</summary>
    long Term { get; }

    /// <summary>
    /// Cancelled when this controller stops leading (lease lost, partitioned, stopping). A new token is issued each
    /// time it becomes leader; work that acts on the fleet runs under it.
    /// </summary>
    CancellationToken LeadingToken { get; }

    /// <summary>Raised after this controller becomes leader or stops leading.</summary>
    event Action<LeadershipChange>? Changed;
}

/// <summary>A change of leadership as seen by this controller.</summary>
public sealed record LeadershipChange(bool IsLeader, long Term, string? LeaderId);
