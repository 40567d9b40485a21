using System.IO.Compression;

namespace Edge.Models.Traces;

/// <summary>Lists a trace folder's files in a stable order and opens them, un-gzipping <c>.gz</c> files.</summary>
internal static class TraceFiles
{
    public static IReadOnlyList<string> List(string directory, params string[] suffixes)
    {
        if (File.Exists(directory))
        {
            return [directory];
        }

        return [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => suffixes.Any(s => f.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal)];
    }

    public static TextReader OpenText(string path)
    {
        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        return new StreamReader(stream);
    }

    /// <summary>The file name without <c>.gz</c> and its data extension, e.g. <c>vm116</c>.</summary>
    public static string SeriesName(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^3];
        }

        return Path.GetFileNameWithoutExtension(name);
    }
}
