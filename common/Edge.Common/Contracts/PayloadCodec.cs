using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Edge.Common.Contracts;

/// <summary>
/// Encodes and decodes wire messages with the source-generated <see cref="EdgeJsonContext"/>. Decoding never throws
/// for bad input: it returns a <see cref="DecodeResult{T}"/> the caller counts and logs.
/// </summary>
public static class PayloadCodec
{
    /// <summary>Default largest payload accepted, in bytes (1 MiB).</summary>
    public const int DefaultMaxBytes = 1 << 20;

    public static byte[] Encode<T>(T message, JsonTypeInfo<T> typeInfo) where T : class, IWireMessage =>
        JsonSerializer.SerializeToUtf8Bytes(message, typeInfo);

    public static DecodeResult<T> Decode<T>(ReadOnlySequence<byte> payload, JsonTypeInfo<T> typeInfo, int maxBytes = DefaultMaxBytes)
        where T : class, IWireMessage
    {
        if (payload.Length > maxBytes)
        {
            return new(null, DecodeError.Oversized, $"payload is {payload.Length} bytes, more than the limit of {maxBytes}");
        }

        if (payload.IsEmpty)
        {
            return new(null, DecodeError.Malformed, "payload is empty");
        }

        T? value;
        try
        {
            var reader = new Utf8JsonReader(payload);
            value = JsonSerializer.Deserialize(ref reader, typeInfo);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? "" : $" at {ex.Path}";
            return new(null, DecodeError.Malformed, $"malformed {typeof(T).Name}{where}: {ex.Message}");
        }

        if (value is null)
        {
            return new(null, DecodeError.Malformed, $"{typeof(T).Name} payload is JSON null");
        }

        if (value.SchemaVersion != SchemaVersions.Current)
        {
            return new(null, DecodeError.WrongVersion, $"{typeof(T).Name} has schemaVersion {value.SchemaVersion}; this build accepts {SchemaVersions.Current}");
        }

        return new(value, DecodeError.None, null);
    }

    public static DecodeResult<T> Decode<T>(byte[] payload, JsonTypeInfo<T> typeInfo, int maxBytes = DefaultMaxBytes)
        where T : class, IWireMessage =>
        Decode(new ReadOnlySequence<byte>(payload), typeInfo, maxBytes);
}
