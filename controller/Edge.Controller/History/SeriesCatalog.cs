using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Edge.Controller.History;

/// <summary>
/// Maps (node, scope, metric) to a series id, persisted as JSON lines in <c>series.jsonl</c>. A new series is
/// appended (and flushed to the OS) before any sample refers to its id, and the file is synced before each
/// checkpoint, so the catalog always covers what a recovered store holds. Ids are never reused.
/// Only the writer adds; readers may list concurrently.
/// </summary>
internal sealed class SeriesCatalog : IDisposable
{
    private readonly ConcurrentDictionary<(string Node, string Scope, string Metric), SeriesInfo> _series = new();
    private readonly ConcurrentDictionary<(string Node, string BootId), int> _markers = new();
    private readonly ConcurrentDictionary<string, List<SeriesInfo>> _byNode = new(StringComparer.Ordinal);
    private readonly FileStream _file;
    private int _nextId = 1;

    public SeriesCatalog(string path)
    {
        if (File.Exists(path))
        {
            Load(path);
        }

        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        if (_file.Position > 0 && LastByte(path) != (byte)'\n')
        {
            // A crash tore the last line; end it so the next entry starts on a line of its own.
            _file.WriteByte((byte)'\n');
        }
    }

    public int Count => _series.Count;

    /// <summary>Lines that could not be parsed when loading (a torn last line after a crash).</summary>
    public int SkippedLines { get; private set; }

    public int GetOrAdd(string node, string scope, string metric)
    {
        if (_series.TryGetValue((node, scope, metric), out var info))
        {
            return info.Id;
        }

        info = new SeriesInfo(_nextId++, node, scope, metric);
        Append(new SeriesCatalogEntry(info.Id, node, scope, metric));
        Register(info);
        return info.Id;
    }

    public int GetOrAddMarker(string node, string bootId)
    {
        if (_markers.TryGetValue((node, bootId), out var id))
        {
            return id;
        }

        id = _nextId++;
        Append(new SeriesCatalogEntry(id, node, "", "", bootId));
        _markers[(node, bootId)] = id;
        return id;
    }

    public bool HasNode(string node) => _byNode.ContainsKey(node);

    public IReadOnlyList<SeriesInfo> List(string node)
    {
        if (!_byNode.TryGetValue(node, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    /// <summary>Forces appended lines to disk; called before each checkpoint.</summary>
    public void Sync() => _file.Flush(flushToDisk: true);

    public void Dispose()
    {
        _file.Flush(flushToDisk: true);
        _file.Dispose();
    }

    private void Append(SeriesCatalogEntry entry)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, HistoryJsonContext.Default.SeriesCatalogEntry);
        _file.Write(line);
        _file.WriteByte((byte)'\n');
        _file.Flush(flushToDisk: false);
    }

    private void Register(SeriesInfo info)
    {
        _series[(info.Node, info.Scope, info.Metric)] = info;
        var list = _byNode.GetOrAdd(info.Node, _ => []);
        lock (list)
        {
            list.Add(info);
        }
    }

    private static int LastByte(string path)
    {
        using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        read.Seek(-1, SeekOrigin.End);
        return read.ReadByte();
    }

    private void Load(string path)
    {
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            if (line.Length == 0)
            {
                continue;
            }

            SeriesCatalogEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize(line, HistoryJsonContext.Default.SeriesCatalogEntry);
            }
            catch (JsonException)
            {
                SkippedLines++;
                continue;
            }

            if (entry is null)
            {
                SkippedLines++;
                continue;
            }

            _nextId = Math.Max(_nextId, entry.Id + 1);
            if (entry.BootId is { } bootId)
            {
                _markers[(entry.Node, bootId)] = entry.Id;
            }
            else
            {
                Register(new SeriesInfo(entry.Id, entry.Node, entry.Scope, entry.Metric));
            }
        }
    }
}
