using System.Globalization;
using System.Text.Json;

namespace Edge.Agent.Supervision;

/// <summary>The running instances' metadata in one small JSON file, replaced atomically on every change.</summary>
internal sealed class InstanceStateStore
{
    private readonly string _path;
    private readonly TimeProvider _time;

    public InstanceStateStore(string directory, TimeProvider? time = null)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "instances.json");
        _time = time ?? TimeProvider.System;
    }

    public string FilePath => _path;

    /// <summary>
    /// The instances in the state file (none when there is no file). A file that does not parse is not taken for an
    /// empty list silently: it is moved aside to <c>instances.json.corrupt-{UTC timestamp}</c> (kept for inspection,
    /// and so the next save does not overwrite it) and described in <see cref="InstanceStateLoad.Corrupt"/>.
    /// </summary>
    public InstanceStateLoad Load()
    {
        if (!File.Exists(_path))
        {
            return new InstanceStateLoad([], null);
        }

        try
        {
            return new InstanceStateLoad(JsonSerializer.Deserialize(File.ReadAllText(_path), SupervisorJsonContext.Default.ListInstanceState) ?? [], null);
        }
        catch (JsonException ex)
        {
            var aside = _path + ".corrupt-" + _time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
            File.Move(_path, aside, overwrite: false);
            // LineNumber and BytePositionInLine are 0-based (System.Text.Json); people count from 1.
            var position = ex.LineNumber is { } line ? $"line {line + 1}, byte {ex.BytePositionInLine + 1}" : "unknown position";
            return new InstanceStateLoad([], new CorruptStateFile(_path, aside, position, ex.Message));
        }
    }

    /// <summary>
    /// Replaces the file: written to a temporary file, fsynced, renamed over it. A failed write (full disk) throws
    /// with the previous file untouched and the temporary file removed; a crash at any point leaves the old or the
    /// new content.
    /// </summary>
    public void Save(IEnumerable<InstanceState> instances) =>
        AtomicFile.Replace(_path, stream => JsonSerializer.Serialize(stream, [.. instances], SupervisorJsonContext.Default.ListInstanceState));
}

/// <summary>What <see cref="InstanceStateStore.Load"/> read; <paramref name="Corrupt"/> when the file did not parse.</summary>
internal sealed record InstanceStateLoad(IReadOnlyList<InstanceState> Instances, CorruptStateFile? Corrupt);

/// <param name="File">The state file that did not parse.</param>
/// <param name="SetAsideAs">Where it was moved.</param>
/// <param name="Position">Where the parser stopped (1-based line and byte).</param>
/// <param name="Error">The parser's message.</param>
internal sealed record CorruptStateFile(string File, string SetAsideAs, string Position, string Error);
