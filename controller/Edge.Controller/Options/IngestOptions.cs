namespace Edge.Controller.Options;

/// <summary>The path from the MQTT subscription to the history writer.</summary>
internal sealed record IngestOptions
{
    /// <summary>Batches buffered between the MQTT handler and the writer; the oldest is dropped (and counted) when full.</summary>
    public int ChannelCapacity { get; init; } = 10_000;

    /// <summary>Largest payload accepted, in bytes.</summary>
    public int MaxPayloadBytes { get; init; } = Common.Contracts.PayloadCodec.DefaultMaxBytes;
}
