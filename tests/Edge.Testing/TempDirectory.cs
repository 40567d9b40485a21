namespace Edge.Testing;

/// <summary>
/// A per-test directory under the system's temporary folder, deleted (best effort) on dispose. It is created with the
/// process's umask (0755 as root), not 0700 as <see cref="Directory.CreateTempSubdirectory(string)"/> would: the agent's
/// tests run instances as other users in it and check the trust rules that directory modes decide.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "edge-tests-")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <paramref name="content"/> to a file below the directory, creating its folders.</summary>
    public void Write(string relative, string content)
    {
        var file = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
