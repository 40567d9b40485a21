namespace Edge.Agent.Sampling;

/// <summary>
/// Reads small kernel text files (/proc, /sys) into one reused buffer, so a sampler that runs every second does not
/// allocate a string per read. /proc files report a size of 0, so the file is read until end of file.
/// Not thread-safe: one reader per sampler.
/// </summary>
internal sealed class ProcFileReader
{
    private byte[] _buffer = new byte[4096];

    /// <summary>The file's bytes, valid until the next call; false when the file does not exist or cannot be read.</summary>
    public bool TryRead(string path, out ReadOnlySpan<byte> content)
    {
        content = default;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var length = 0;
            while (true)
            {
                if (length == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                var read = RandomAccess.Read(handle, _buffer.AsSpan(length), length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            content = _buffer.AsSpan(0, length);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
