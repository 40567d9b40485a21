using System.Text.Json;

namespace Edge.Agent.Supervision;

/// <summary>
/// Command ids already applied, with their outcome, kept in an append-only JSON-lines file so that a restarted
/// agent still answers a redelivered command instead of running it again. The file is compacted to the newest
/// <c>keep</c> ids when it grows past twice that. Not thread-safe: the supervisor serialises calls.
/// </summary>
internal sealed class AppliedCommandLog : IDisposable
{
    private readonly string _path;
    private readonly int _keep;
    private readonly Dictionary<string, AppliedCommand> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private int _lines;
    private StreamWriter _writer;

    public AppliedCommandLog(string directory, int keep)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "applied-commands.jsonl");
        _keep = keep;
        if (File.Exists(_path))
        {
            foreach (var line in File.ReadLines(_path))
            {
                _lines++;
                if (TryParse(line) is { } entry)
                {
                    Remember(entry);
                }
            }
        }

        _writer = OpenForAppend();
        if (_writer.BaseStream.Length > 0 && !File.ReadAllText(_path).EndsWith('\n'))
        {
            // Terminate a torn last line so the next record starts on a line of its own.
            _writer.Write('\n');
        }
    }

    /// <summary>Owner-only: command ids and reasons are the agent's business, not an instance's (the directory is 0711).</summary>
    internal const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private StreamWriter OpenForAppend()
    {
        var stream = new FileStream(_path, Cgroups.LibC.OwnerOnly(FileMode.Append, FileAccess.Write));
        Cgroups.LibC.SetMode(_path, FileMode600);
        return new StreamWriter(stream) { AutoFlush = true };
    }

    public int Count => _byId.Count;

    public bool TryGet(string commandId, out AppliedCommand entry) => _byId.TryGetValue(commandId, out entry!);

    public void Record(AppliedCommand entry)
    {
        Remember(entry);
        _writer.Write(JsonSerializer.Serialize(entry, SupervisorJsonContext.Default.AppliedCommand) + "\n");
        if (++_lines > 2 * _keep)
        {
            Compact();
        }
    }

    private void Remember(AppliedCommand entry)
    {
        if (!_byId.ContainsKey(entry.CommandId))
        {
            _order.Enqueue(entry.CommandId);
        }

        _byId[entry.CommandId] = entry;
        while (_order.Count > _keep)
        {
            _byId.Remove(_order.Dequeue());
        }
    }

    private void Compact()
    {
        _writer.Dispose();
        var temp = _path + ".tmp";
        File.WriteAllLines(temp, _order.Select(id => JsonSerializer.Serialize(_byId[id], SupervisorJsonContext.Default.AppliedCommand)));
        Cgroups.LibC.SetMode(temp, FileMode600);
        File.Move(temp, _path, overwrite: true);
        _lines = _order.Count;
        _writer = OpenForAppend();
    }

    public void Dispose() => _writer.Dispose();

    private static AppliedCommand? TryParse(string line)
    {
        try
        {
            return string.IsNullOrWhiteSpace(line) ? null : JsonSerializer.Deserialize(line, SupervisorJsonContext.Default.AppliedCommand);
        }
        catch (JsonException)
        {
            // A torn last line after a crash: that command was never acknowledged, so forgetting it is safe.
            return null;
        }
    }
}
