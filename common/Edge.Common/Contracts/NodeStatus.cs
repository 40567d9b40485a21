namespace Edge.Common.Contracts;

/// <summary>
/// Retained on <c>{prefix}/v1/nodes/{node}/status</c>. The agent publishes it on connect with
/// <see cref="Online"/> true; its last will is the same message with <see cref="Online"/> false.
/// </summary>
public sealed record NodeStatus : IWireMessage
{
    public int SchemaVersion { get; init; } = SchemaVersions.Current;
    public required string NodeId { get; init; }
    public required bool Online { get; init; }
    /// <summary>Unix milliseconds when the agent published this status.</summary>
    public required long TimestampMs { get; init; }
    // A property missing from the JSON reaches init as null (the source generator does not keep initializers,
    // dotnet/runtime#84484); the default stands instead. An explicit null is refused by RespectNullableAnnotations.
    public string AgentVersion { get; init => field = value ?? ""; } = "";
    /// <summary>A fresh id each time the agent process starts; lets the controller tell restarts apart.</summary>
    public string BootId { get; init => field = value ?? ""; } = "";
    public CgroupMode CgroupMode { get; init; }
    /// <summary>What limits the agent can enforce: "cgroup-v1", "cgroup-v2" or "rlimit".</summary>
    public string EnforcementMode { get; init => field = value ?? ""; } = "";
    public ResourceQuantity Capacity { get; init => field = value ?? new(0, 0); } = new(0, 0);
    public string Provider { get; init => field = value ?? "local"; } = "local";
    public NodePricing Pricing { get; init => field = value ?? new(PricingTier.OnDemand, 0, 0); } = new(PricingTier.OnDemand, 0, 0);
    public IReadOnlyDictionary<string, string> Labels { get; init => field = value ?? new Dictionary<string, string>(); } = new Dictionary<string, string>();
}
