using System.Globalization;

namespace Edge.Controller.History;

/// <summary>
/// (time, log address) pairs taken at each checkpoint, so retention can map "older than T" to a log address:
/// every record below the address of a mark taken at time t was last written before t. Persisted as text lines
/// <c>{unixMs} {address}</c> in <c>retention-marks.txt</c>; only the writer touches it.
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

    public void Add(long timeMs, long address)
    {
        _marks.Add((timeMs, address));
        File.AppendAllText(_path, string.Create(CultureInfo.InvariantCulture, $"{timeMs} {address}\n"));
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
        var temp = _path + ".tmp";
        File.WriteAllLines(temp, _marks.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.TimeMs} {m.Address}")));
        File.Move(temp, _path, overwrite: true);
        return address;
    }
}
