namespace Edge.Agent.Supervision;

/// <summary>Whole-file replacement for the agent's state files: the old or the new content, never a mix.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> writes: to <c>{path}.tmp</c> (owner-only),
    /// fsynced, then renamed over it. A failed write (full disk) throws with the previous file untouched and the
    /// temporary file removed; a crash at any point leaves the old or the new content.
    /// </summary>
    public static void Replace(string path, Action<Stream> write)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        try
        {
            using var stream = new FileStream(temp, Cgroups.LibC.OwnerOnly(FileMode.CreateNew, FileAccess.Write, FileShare.None));
            write(stream);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            File.Delete(temp);
            throw;
        }

        File.Move(temp, path, overwrite: true);
    }
}
