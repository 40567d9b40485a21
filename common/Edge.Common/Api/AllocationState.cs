namespace Edge.Common.Api;

/// <summary>The lifecycle of an allocation the broker keeps.</summary>
public enum AllocationState
{
    /// <summary>Holds capacity on its node.</summary>
    Active,

    /// <summary>Its node went offline and it could not be placed elsewhere; it holds no capacity.</summary>
    Lost,
}
