namespace Edge.Agent.Publishing;

/// <summary>
/// CRC-32 (the IEEE 802.3 / ISO-HDLC polynomial, reflected form 0xEDB88320, init and final xor 0xFFFFFFFF) used to
/// detect torn or damaged spool records; the table-driven method follows Sarwate, "Computation of cyclic redundancy
/// checks via table look-up", CACM 31(8), 1988.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        crc = ~crc;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
