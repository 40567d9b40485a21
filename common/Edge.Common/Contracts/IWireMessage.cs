namespace Edge.Common.Contracts;

/// <summary>A top-level MQTT payload: every one carries the schema version it was written with.</summary>
public interface IWireMessage
{
    int SchemaVersion { get; }
}
