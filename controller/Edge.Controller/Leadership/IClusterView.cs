namespace Edge.Controller.Leadership;

/// <summary>What this controller knows of the election, for readiness and for followers' answers to mutating calls.</summary>
internal interface IClusterView
{
    /// <summary>This controller's name in the election.</summary>
    string MemberId { get; }

    /// <summary><c>leader</c>, <c>follower</c>, or <c>candidate</c> (no leader known, e.g. etcd unreachable).</summary>
    string Role { get; }

    /// <summary>The member that leads, as last seen; null when none is known.</summary>
    string? LeaderId { get; }

    /// <summary>The leader's advertised API URL, when it has one.</summary>
    string? LeaderUrl { get; }

    /// <summary>The newest term seen (the leader's while one is known).</summary>
    long LatestTerm { get; }
}
