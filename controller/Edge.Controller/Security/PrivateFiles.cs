namespace Edge.Controller.Security;

/// <summary>
/// Files only the controller's user may read: directories 0700, files 0600, written to a temporary file, flushed
/// to disk and renamed over the old one, so a crash leaves the old or the new content, never a torn one.
/// </summary>
internal static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="directory"/> 0700, or narrows an existing one to 0700.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        Directory.CreateDirectory(directory, DirectoryMode);
        if ((File.GetUnixFileMode(directory) & ~DirectoryMode) != 0)
        {
            File.SetUnixFileMode(directory, DirectoryMode);
        }
    }

    /// <summary>Options that create a file 0600 (or <paramref name="unixMode"/>).</summary>
    public static FileStreamOptions CreateOptions(System.IO.FileMode mode, FileAccess access = FileAccess.Write, FileShare share = FileShare.None, int bufferSize = 4096, UnixFileMode unixMode = FileMode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = unixMode;
        }

        return options;
    }

    /// <summary>Narrows an existing file to 0600 (files created before this rule).</summary>
    public static void Narrow(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & ~FileMode) != 0)
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> atomically and fsynced, created 0600 unless
    /// <paramref name="unixMode"/> says otherwise (a certificate meant to be copied to nodes). A failed write throws
    /// with the previous file untouched and the temporary file removed.
    /// </summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> content, UnixFileMode unixMode = FileMode)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        try
        {
            using var stream = new FileStream(temp, CreateOptions(System.IO.FileMode.CreateNew, unixMode: unixMode));
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            // A full disk: the previous file stays whole, and no half-written temporary is left beside it.
            File.Delete(temp);
            throw;
        }

        File.Move(temp, path, overwrite: true);
    }
}
