using System.Diagnostics;

namespace Edge.Testing;

/// <summary>
/// A small tmpfs mounted on a fresh directory (needs root, as the tests run): a device that really fills up. Fill()
/// writes a filler file until the device refuses (ENOSPC); Free() deletes it.
/// </summary>
public sealed class SmallTmpfs : IDisposable
{
    public SmallTmpfs(string sizeSpec)
    {
        Path = Directory.CreateTempSubdirectory("edge-state-full-").FullName;
        Run("mount", "-t", "tmpfs", "-o", $"size={sizeSpec},mode=0700", "tmpfs", Path);
    }

    public string Path { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler");

    /// <summary>Fills the device to the last byte; returns how many bytes the filler took.</summary>
    public long Fill()
    {
        var buffer = new byte[4096];
        long written = 0;
        using var stream = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.None, 1);
        while (true)
        {
            try
            {
                stream.Write(buffer);
                stream.Flush();
                written += buffer.Length;
            }
            catch (IOException)
            {
                break;
            }
        }

        // The last partial block: byte by byte until nothing more fits.
        while (true)
        {
            try
            {
                stream.Write(buffer, 0, 1);
                stream.Flush();
                written++;
            }
            catch (IOException)
            {
                return written;
            }
        }
    }

    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        Run("umount", "-l", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        }
    }
}
