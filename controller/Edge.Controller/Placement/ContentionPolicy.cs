namespace Edge.Controller.Placement;

/// <summary>What the broker tries, in the configured order, when a profile fits on no node of the request's tiers.</summary>
public enum ContentionPolicy
{
    /// <summary>Place on the cheapest node of a lower tier (<see cref="PlacementOptions.LowerTiers"/>, spot by default).</summary>
    LowerTier,

    /// <summary>Place with the forecast's interval upper bounds instead of the limit, when the interval's level is allowed.</summary>
    ReducedProfile,

    /// <summary>Queue the request by priority until capacity frees or its timeout passes.</summary>
    Queue,

    /// <summary>Reject with the reason. Also what happens when every configured policy fails.</summary>
    Reject,
}
