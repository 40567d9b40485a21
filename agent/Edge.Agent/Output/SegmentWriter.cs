using System.Text;
using Edge.Agent.Cgroups;

namespace Edge.Agent.Output;

/// <summary>
/// Appends one stream of one instance to bounded, rotated segment files (0600, owned by the agent): when the current
/// segment reaches <see cref="OutputLimits.SegmentBytes"/> a new one starts and the oldest beyond
/// <see cref="OutputLimits.Segments"/> is deleted, so a stream never holds more than Segments × SegmentBytes on disk
/// (plus the agent's short notes). A write that fails (disk full, I/O error) drops the bytes, counts them, and the
/// next write that succeeds first says in the file how many were lost. Not thread-safe: callers lock on it.
/// </summary>
internal sealed class SegmentWriter : IDisposable
{
    private readonly string _directory;
    private readonly string _stream;
    private readonly OutputLimits _limits;
    private FileStream? _current;
    private long _start;
    private long _length;
    private long _droppedSinceNote;
    private string? _dropReason;

    /// <summary>Continues the stream's newest segment if there is one (after an agent restart), else starts at 0.</summary>
    public SegmentWriter(string directory, string stream, OutputLimits limits)
    {
        _directory = directory;
        _stream = stream;
        _limits = limits;
        if (OutputSegments.List(directory, stream) is { Count: > 0 } existing)
        {
            _start = existing[^1].Start;
            _length = new FileInfo(existing[^1].Path).Length;
        }
    }

    public string Directory => _directory;

    public string Stream => _stream;

    /// <summary>Bytes written to the stream in all (kept or rotated away).</summary>
    public long Total => _start + _length;

    /// <summary>Bytes lost to failed writes since this writer was created.</summary>
    public long Dropped { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_droppedSinceNote > 0)
        {
            var note = Encoding.UTF8.GetBytes($"\n[edge-agent: {_droppedSinceNote} bytes of {_stream} were dropped: {_dropReason}]\n");
            var lost = _droppedSinceNote;
            _droppedSinceNote = 0;
            if (!TryWrite(note))
            {
                _droppedSinceNote += lost;
                Drop(data.Length);
                return;
            }
        }

        if (!TryWrite(data))
        {
            Drop(data.Length);
        }
    }

    /// <summary>Writes an agent's note (a line in brackets) into the stream, e.g. that output may have been lost.</summary>
    public void Note(string text) => Append(Encoding.UTF8.GetBytes($"\n[edge-agent: {text}]\n"));

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }

    private bool TryWrite(ReadOnlySpan<byte> data)
    {
        try
        {
            while (!data.IsEmpty)
            {
                if (_current is null || _length >= _limits.SegmentBytes)
                {
                    Rotate();
                }

                var take = (int)Math.Min(data.Length, _limits.SegmentBytes - _length);
                _current!.Write(data[..take]);
                _length += take;
                data = data[take..];
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _dropReason = e.Message;
            Reopen();
            return false;
        }
    }

    /// <summary>After a failed write the file may hold part of it: reopen, so the length is the file's again.</summary>
    private void Reopen()
    {
        try
        {
            _current?.Dispose();
        }
        catch (IOException)
        {
            // Nothing is buffered (BufferSize 0); the handle is gone either way.
        }

        _current = null;
    }

    private void Rotate()
    {
        if (_current is not null || _length >= _limits.SegmentBytes)
        {
            _current?.Dispose();
            _current = null;
            if (_length >= _limits.SegmentBytes)
            {
                _start += _length;
                _length = 0;
            }
        }

        var options = LibC.OwnerOnly(FileMode.Append, FileAccess.Write);
        options.BufferSize = 0;
        _current = new FileStream(Path.Combine(_directory, OutputSegments.FileName(_stream, _start)), options);
        _length = _current.Length;
        var segments = OutputSegments.List(_directory, _stream);
        for (var i = 0; i < segments.Count - _limits.Segments; i++)
        {
            File.Delete(segments[i].Path);
        }
    }

    private void Drop(int bytes)
    {
        _droppedSinceNote += bytes;
        Dropped += bytes;
    }
}
