namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// Structure-blind mutations in the manner of AFL's havoc stage (bit flips, interesting bytes, inserts, deletes,
/// duplicated ranges, splices with another input; see https://lcamtuf.coredump.cx/afl/technical_details.txt).
/// </summary>
internal static class ByteMutations
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'-', (byte)'e', (byte)'0', 0xC0, 0xED, 0xF4, 0xEF, 0xBB, 0xBF];

    public static byte[] Mutate(byte[] input, Random random, IReadOnlyList<byte[]> donors)
    {
        var bytes = new List<byte>(input);
        switch (random.Next(8))
        {
            case 0 when bytes.Count > 0:
                var bit = random.Next(bytes.Count * 8);
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                break;
            case 1 when bytes.Count > 0:
                bytes[random.Next(bytes.Count)] = Interesting[random.Next(Interesting.Length)];
                break;
            case 2:
                var insert = new byte[1 + random.Next(16)];
                random.NextBytes(insert);
                bytes.InsertRange(random.Next(bytes.Count + 1), insert);
                break;
            case 3 when bytes.Count > 1:
                var start = random.Next(bytes.Count);
                bytes.RemoveRange(start, 1 + random.Next(Math.Min(64, bytes.Count - start)));
                break;
            case 4 when bytes.Count > 1:
                var from = random.Next(bytes.Count);
                var length = 1 + random.Next(Math.Min(256, bytes.Count - from));
                bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(from, length));
                break;
            case 5 when donors.Count > 0:
                var donor = donors[random.Next(donors.Count)];
                var cut = random.Next(bytes.Count + 1);
                var donorCut = random.Next(donor.Length + 1);
                bytes.RemoveRange(cut, bytes.Count - cut);
                bytes.AddRange(donor.AsSpan(donorCut).ToArray());
                break;
            case 6 when bytes.Count > 0:
                Truncate(bytes, random);
                break;
            default:
                bytes.Insert(random.Next(bytes.Count + 1), Interesting[random.Next(Interesting.Length)]);
                break;
        }

        return [.. bytes];
    }

    private static void Truncate(List<byte> bytes, Random random)
    {
        var keep = random.Next(bytes.Count);
        bytes.RemoveRange(keep, bytes.Count - keep);
    }
}
