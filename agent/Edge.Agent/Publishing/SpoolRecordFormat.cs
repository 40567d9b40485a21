using System.Buffers.Binary;
using System.Text;

namespace Edge.Agent.Publishing;

/// <summary>
/// On-disk layout of one spool record, little-endian:
/// magic u32 "EDGS" | state u8 (1 pending, 2 acknowledged) | kind u8 | topic length u16 | payload length u32 |
/// CRC-32 u32 over kind, topic and payload | topic UTF-8 | payload. The state byte sits outside the CRC so that
/// acknowledging a record is a one-byte write in place.
/// </summary>
internal static class SpoolRecordFormat
{
    public const int HeaderLength = 16;
    public const int StateOffset = 4;
    public const byte Pending = 1;
    public const byte Acknowledged = 2;
    public const uint Magic = 0x53474445; // "EDGS" read little-endian
    public const int MaxPayload = 16 << 20;

    public static int Size(string topic, byte[] payload) => HeaderLength + Encoding.UTF8.GetByteCount(topic) + payload.Length;

    /// <summary>Writes a pending record into <paramref name="destination"/>, which must be <see cref="Size"/> bytes.</summary>
    public static void Write(Span<byte> destination, SpoolRecordKind kind, string topic, byte[] payload)
    {
        var topicLength = Encoding.UTF8.GetBytes(topic, destination[HeaderLength..]);
        payload.CopyTo(destination[(HeaderLength + topicLength)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[StateOffset] = Pending;
        destination[5] = (byte)kind;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], checked((ushort)topicLength));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], Checksum(destination[5..6], destination[HeaderLength..(HeaderLength + topicLength + payload.Length)]));
    }

    /// <summary>
    /// Reads the record at the start of <paramref name="data"/>. Returns its total length, 0 when the bytes are not a
    /// record at all (bad magic or length: the caller must resynchronise), or the negated length when the header is
    /// sound but the record is damaged (bad CRC or state), so the caller can skip exactly that record.
    /// </summary>
    public static int TryRead(ReadOnlySpan<byte> data, out byte state, out SpoolRecordKind kind)
    {
        state = 0;
        kind = 0;
        if (data.Length < HeaderLength || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
        {
            return 0;
        }

        var topicLength = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (payloadLength > MaxPayload || HeaderLength + topicLength + payloadLength > data.Length)
        {
            return 0;
        }

        var length = HeaderLength + topicLength + (int)payloadLength;
        state = data[StateOffset];
        kind = (SpoolRecordKind)data[5];
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        var sound = crc == Checksum(data[5..6], data[HeaderLength..length])
            && state is Pending or Acknowledged
            && kind is SpoolRecordKind.MetricBatch or SpoolRecordKind.Event;
        return sound ? length : -length;
    }

    /// <summary>Decodes a record already checked by <see cref="TryRead"/>.</summary>
    public static SpoolRecord Decode(ReadOnlySpan<byte> record)
    {
        var topicLength = BinaryPrimitives.ReadUInt16LittleEndian(record[6..]);
        var topic = Encoding.UTF8.GetString(record.Slice(HeaderLength, topicLength));
        var payload = record[(HeaderLength + topicLength)..].ToArray();
        return new SpoolRecord((SpoolRecordKind)record[5], topic, payload);
    }

    private static uint Checksum(ReadOnlySpan<byte> kind, ReadOnlySpan<byte> body) => Crc32.Append(Crc32.Append(0, kind), body);
}
