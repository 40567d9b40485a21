using System.Globalization;

namespace Edge.Controller.History;

/// <summary>
/// (time, log address) pairs taken at each checkpoint, so retention can map "older than T" to a log address:
/// every record below the address of a mark taken at time t was last written before t. Persisted as text lines
/// <c>{unixMs} {address}</c> in <c>retention-marks.txt</c>; only the writer touches it. A write that fails (a full
/// disk) does not fail the checkpoint that took the mark: memory keeps it, <see cref="WriteFailures"/> counts it, and
/// a mark missing from the file after a restart only delays one retention pass. The rewrite after a pass is
/// <see cref="Security.PrivateFiles.WriteAtomic"/> (temporary file, fsynced, renamed); if it fails the old file stays (its older marks are harmless: they map to
/// addresses retention has already passed).
/// </summary>
internal sealed class RetentionMarks
{
    private readonly string _path;
    private readonly List<(long TimeMs, long Address)> _marks = [];

    public RetentionMarks(string path)
    {
        _path = path;
        if (!File.Exists(path))
        {
            return;
        }

        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var time)
                && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var address))
            {
                _marks.Add((time, address));
            }
        }
    }

    public int Count => _marks.Count;

    /// <summary>Marks that could not be written to the file (they are kept in memory).</summary>
    public int WriteFailures { get; private set; }

    public void Add(long timeMs, long address)
    {
        _marks.Add((timeMs, address));
        try
        {
            // A line torn by a full disk does not parse and is skipped when read; the newline first ends one.
            File.AppendAllText(_path, string.Create(CultureInfo.InvariantCulture, $"\n{timeMs} {address}\n"));
        }
        catch (IOException)
        {
            WriteFailures++;
        }
    }

    /// <summary>The highest address whose mark is no later than <paramref name="beforeMs"/>; drops the marks it passed.</summary>
    public long? TakeAddressBefore(long beforeMs)
    {
        var index = _marks.FindLastIndex(m => m.TimeMs <= beforeMs);
        if (index < 0)
        {
            return null;
        }

        var address = _marks[index].Address;
        _marks.RemoveRange(0, index);
        try
        {
            Security.PrivateFiles.WriteAtomic(_path, System.Text.Encoding.ASCII.GetBytes(string.Concat(_marks.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.TimeMs} {m.Address}\n")))));
        }
        catch (IOException)
        {
            WriteFailures++;
        }

        return address;
    }
}
