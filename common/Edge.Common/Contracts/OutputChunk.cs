namespace Edge.Common.Contracts;

/// <summary>
/// A node's answer to <see cref="ReadOutputSpec"/> on <c>{prefix}/v1/nodes/{node}/output</c>, split into
/// <see cref="Chunks"/> messages so that each stays well below the broker's payload limit. Every chunk repeats the
/// header fields; <see cref="Data"/> (base64 in JSON) holds raw bytes of the stream, untrusted and not necessarily
/// valid UTF-8, starting at <see cref="Offset"/> plus the lengths of the chunks before it.
/// </summary>
public sealed record OutputChunk : IWireMessage
{
    /// <summary>Largest <see cref="Data"/> per message: 256 KiB, about 342 KiB in base64.</summary>
    public const int MaxDataBytes = 256 << 10;

    /// <summary>Largest tail a node returns for one request (1 MiB).</summary>
    public const long MaxTailBytes = 1 << 20;

    public int SchemaVersion { get; init; } = SchemaVersions.Current;
    public required string RequestId { get; init; }
    public required string NodeId { get; init; }
    public required string InstanceId { get; init; }
    public required string Stream { get; init; }

    /// <summary>Null when the output was read; otherwise why not (e.g. nothing is kept for the instance).</summary>
    public string? Error { get; init; }

    /// <summary>Bytes the instance wrote to the stream in all, including those rotated away.</summary>
    public long TotalBytes { get; init; }

    /// <summary>Stream position of the first byte of the first chunk.</summary>
    public long Offset { get; init; }

    /// <summary>True while the instance still runs on the node.</summary>
    public bool Running { get; init; }

    /// <summary>0-based index of this chunk.</summary>
    public int Chunk { get; init; }

    /// <summary>How many chunks make up the answer (at least 1).</summary>
    public int Chunks { get; init; } = 1;

    public byte[] Data { get; init; } = [];
}
