using System.Globalization;

namespace Edge.Agent.Publishing;

/// <summary>Loading segment files left by an earlier run, and compacting a segment when the spool is full.</summary>
internal sealed partial class OfflineSpool
{
    private void Load()
    {
        var found = new List<(long Id, string Path)>();
        foreach (var path in Directory.EnumerateFiles(_directory, "*" + Extension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                found.Add((id, path));
            }
            else
            {
                LogForeignFile(path);
            }
        }

        found.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        foreach (var (id, path) in found)
        {
            _nextSegmentId = Math.Max(_nextSegmentId, id + 1);
            var segment = new SpoolSegment(id, path);
            byte[] data;
            try
            {
                data = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                CountCorrupt(path, 0);
                LogUnreadableSegment(path, ex.Message);
                continue;
            }

            Scan(segment, data);
            if (segment.Pending.Count == 0)
            {
                File.Delete(path);
                continue;
            }

            _segments.Add(segment);
            Bytes += segment.Length;
            Count += segment.Pending.Count;
        }

        if (Count > 0)
        {
            LogLoaded(Count, Bytes, _directory);
        }
    }

    private void Scan(SpoolSegment segment, ReadOnlySpan<byte> data)
    {
        var position = 0;
        var inGarbage = false;
        while (position < data.Length)
        {
            var length = SpoolRecordFormat.TryRead(data[position..], out var state, out var kind);
            if (length > 0)
            {
                if (state == SpoolRecordFormat.Pending)
                {
                    segment.Pending.Enqueue(new SpoolEntry(position, length, kind));
                }

                position += length;
                inGarbage = false;
            }
            else if (length < 0)
            {
                CountCorrupt(segment.Path, position);
                position += -length;
                inGarbage = false;
            }
            else
            {
                // Not a record header: count the damaged stretch once and look for the next header byte by byte.
                if (!inGarbage)
                {
                    CountCorrupt(segment.Path, position);
                    inGarbage = true;
                }

                position++;
            }
        }

        segment.Length = data.Length;
    }

    private bool TryDropOldestMetricBatches(out int dropped)
    {
        dropped = 0;
        for (var i = 0; i < _segments.Count; i++)
        {
            var segment = _segments[i];
            var metrics = segment.PendingMetricBatches;
            if (metrics == 0)
            {
                continue;
            }

            var isTail = i == _segments.Count - 1 && _tail is not null;
            RewriteWithoutMetricBatches(segment, isTail);
            Count -= metrics;
            dropped = metrics;
            CountDropped(metrics);
            LogDroppedBatches(metrics, segment.Path);
            if (segment.Pending.Count == 0)
            {
                if (isTail)
                {
                    _tail!.Dispose();
                    _tail = null;
                }

                _segments.RemoveAt(i);
                Bytes -= segment.Length;
                File.Delete(segment.Path);
            }

            return true;
        }

        return false;
    }

    private void RewriteWithoutMetricBatches(SpoolSegment segment, bool isTail)
    {
        var data = File.ReadAllBytes(segment.Path);
        var temporary = segment.Path + ".tmp";
        var kept = new List<SpoolEntry>();
        long length = 0;
        using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var entry in segment.Pending)
            {
                if (entry.Kind == SpoolRecordKind.Event)
                {
                    output.Write(data, (int)entry.Offset, entry.Length);
                    kept.Add(entry with { Offset = length });
                    length += entry.Length;
                }
            }
        }

        if (isTail)
        {
            _tail!.Dispose();
        }

        File.Move(temporary, segment.Path, overwrite: true);
        if (isTail)
        {
            _tail = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }

        segment.Pending.Clear();
        foreach (var entry in kept)
        {
            segment.Pending.Enqueue(entry);
        }

        Bytes += length - segment.Length;
        segment.Length = length;
    }
}
