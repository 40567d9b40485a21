using System.Globalization;

namespace Edge.Agent.Output;

/// <summary>
/// The files of one stream of one instance: <c>{stream}.{start}.log</c>, where <c>start</c> is the stream position
/// of the segment's first byte (20 digits, so names sort by position). The newest segment is the one being written;
/// the total written is its start plus its length, and output before the oldest kept segment's start was rotated away.
/// </summary>
internal static class OutputSegments
{
    public const string Suffix = ".log";

    public static string FileName(string stream, long start) => $"{stream}.{start.ToString("D20", CultureInfo.InvariantCulture)}{Suffix}";

    /// <summary>The stream's segments, oldest first, with their start positions.</summary>
    public static List<(long Start, string Path)> List(string directory, string stream)
    {
        var found = new List<(long, string)>();
        if (!Directory.Exists(directory))
        {
            return found;
        }

        var prefix = stream + ".";
        foreach (var path in Directory.EnumerateFiles(directory, prefix + "*" + Suffix))
        {
            var name = Path.GetFileName(path);
            var middle = name[prefix.Length..^Suffix.Length];
            if (middle.Length == 20 && long.TryParse(middle, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
            {
                found.Add((start, path));
            }
        }

        found.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return found;
    }

    /// <summary>
    /// The last <paramref name="tailBytes"/> bytes kept of the stream: the total the instance wrote, where the bytes
    /// start, and the bytes. A stream with no segments has written nothing.
    /// </summary>
    public static (long Total, long Offset, byte[] Data) ReadTail(string directory, string stream, long tailBytes)
    {
        var segments = List(directory, stream);
        if (segments.Count == 0)
        {
            return (0, 0, []);
        }

        var lengths = segments.Select(s => new FileInfo(s.Path).Length).ToList();
        var total = segments[^1].Start + lengths[^1];
        var from = Math.Max(total - tailBytes, segments[0].Start);
        var data = new byte[total - from];
        var written = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            var (start, path) = segments[i];
            var end = start + lengths[i];
            if (end <= from)
            {
                continue;
            }

            var skip = Math.Max(0, from - start);
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            file.Seek(skip, SeekOrigin.Begin);
            var want = (int)(lengths[i] - skip);
            file.ReadExactly(data, written, want);
            written += want;
        }

        return (total, from, data);
    }
}
