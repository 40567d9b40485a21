namespace Edge.Common.Contracts;

/// <summary>The specification's resource definition: what the broker reserved for an instance, and where.</summary>
public sealed record ResourceDefinition : IWireMessage
{
    public int SchemaVersion { get; init; } = SchemaVersions.Current;
    public required string Id { get; init; }
    public required double Cpu { get; init; }
    public required double Memory { get; init; }
    public double NetworkBandwidth { get; init; }
    public required string Provider { get; init; }
    public required string NodeId { get; init; }
}
