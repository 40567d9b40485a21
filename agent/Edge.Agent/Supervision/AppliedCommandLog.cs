using System.Text.Json;

namespace Edge.Agent.Supervision;

/// <summary>
/// Command ids already applied, with their outcome, kept in an append-only JSON-lines file so that a restarted
/// agent still answers a redelivered command instead of running it again. The file is compacted to the newest
/// <c>keep</c> ids when it grows past twice that (the compacted file is written and fsynced beside it, then renamed
/// over it). A write that fails (a full disk) does not throw: the command was applied, so memory keeps it and a
/// redelivery is still answered in this process; the failure is counted (<see cref="WriteFailures"/>) and the file
/// stays whole (a torn line is ended before the next record and skipped when read). Only a restart before the disk
/// has room again forgets such a command; its term and expiry and the supervisor's own checks (an instance id
/// already running) still stand. Not thread-safe: the supervisor serialises calls.
/// </summary>
internal sealed class AppliedCommandLog : IDisposable
{
    private readonly string _path;
    private readonly int _keep;
    private readonly Dictionary<string, AppliedCommand> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private int _lines;
    private bool _torn;
    private StreamWriter _writer;

    private readonly Action<string>? _onWriteFailed;

    /// <param name="directory">The agent's state directory; the log is <c>applied-commands.jsonl</c> in it.</param>
    /// <param name="keep">How many command ids are remembered.</param>
    /// <param name="onWriteFailed">Told each failed write's message (the supervisor logs and counts it).</param>
    public AppliedCommandLog(string directory, int keep, Action<string>? onWriteFailed = null)
    {
        _onWriteFailed = onWriteFailed;
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

    /// <summary>Writes that failed (full disk, I/O error) since the log was opened.</summary>
    public int WriteFailures { get; private set; }

    /// <summary>The last write failure's message, or null.</summary>
    public string? LastWriteError { get; private set; }

    public void Record(AppliedCommand entry)
    {
        Remember(entry);
        var line = JsonSerializer.Serialize(entry, SupervisorJsonContext.Default.AppliedCommand) + "\n";
        try
        {
            _writer.Write(_torn ? "\n" + line : line);
            _torn = false;
        }
        catch (IOException ex)
        {
            OnWriteFailed(ex);
            return;
        }

        if (++_lines > 2 * _keep)
        {
            Compact();
        }
    }

    private void NoteFailure(IOException ex)
    {
        WriteFailures++;
        LastWriteError = ex.Message;
        _onWriteFailed?.Invoke(ex.Message);
    }

    private void OnWriteFailed(IOException ex)
    {
        NoteFailure(ex);

        // Part of the line may be in the file: a new writer drops what the old one still buffered, and the next record
        // starts on a line of its own.
        try
        {
            _writer.Dispose();
        }
        catch (IOException)
        {
        }

        _writer = OpenForAppend();
        _torn = true;
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
        try
        {
            AtomicFile.Replace(_path, stream =>
            {
                using var writer = new StreamWriter(stream, leaveOpen: true);
                foreach (var id in _order)
                {
                    writer.Write(JsonSerializer.Serialize(_byId[id], SupervisorJsonContext.Default.AppliedCommand) + "\n");
                }
            });
        }
        catch (IOException ex)
        {
            // No room for the compacted copy: keep appending to the whole file; compaction is tried at the next record.
            NoteFailure(ex);
            return;
        }

        _writer.Dispose();
        _lines = _order.Count;
        _torn = false;
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
