using System.Globalization;
using Edge.Agent.Cgroups;
using Edge.Agent.Supervision;

namespace Edge.Agent.Dotnet;

/// <summary>
/// Finds the .NET diagnostics IPC sockets the agent (root) may trust. A runtime creates
/// <c>dotnet-diagnostic-{pid}-{key}-socket</c> in its TMPDIR, else /tmp (the IPC protocol:
/// https://github.com/dotnet/diagnostics/blob/main/documentation/design-docs/ipc-protocol.md). In a shared directory
/// anybody can create a file with any pid in its name, so a socket is accepted only when it is a socket itself (lstat:
/// never a symlink to another process's socket), owned by the uid the named process runs as (/proc/{pid}/status),
/// and found either in the shared directory or in an instance directory that is that process's own TMPDIR and
/// belongs to the same uid. Everything else is refused with a reason.
/// </summary>
internal sealed class DiagnosticsSocketFinder(string sharedDirectory, string? instanceRoot, string procRoot = "/proc")
{
    private const string Prefix = "dotnet-diagnostic-";
    private const string Suffix = "-socket";

    /// <summary>Sockets accepted, by pid (the newest when a pid has several), and those refused, with why.</summary>
    public (Dictionary<int, string> Accepted, List<(string Path, string Reason)> Refused) Find()
    {
        var accepted = new Dictionary<int, string>();
        var refused = new List<(string, string)>();
        foreach (var (path, pid, shared) in Candidates())
        {
            if (Check(path, pid, shared) is { } reason)
            {
                if (reason.Length > 0)
                {
                    refused.Add((path, reason));
                }
            }
            else if (!accepted.TryGetValue(pid, out var previous) || string.CompareOrdinal(path, previous) > 0)
            {
                accepted[pid] = path;
            }
        }

        return (accepted, refused);
    }

    private IEnumerable<(string Path, int Pid, bool Shared)> Candidates()
    {
        var directories = new List<(string, bool)> { (sharedDirectory, true) };
        if (instanceRoot is not null && Directory.Exists(instanceRoot))
        {
            directories.AddRange(Directory.EnumerateDirectories(instanceRoot).Select(d => (d, false)));
        }

        foreach (var (directory, shared) in directories)
        {
            IEnumerable<string> files;
            try
            {
                files = [.. Directory.EnumerateFileSystemEntries(directory, Prefix + "*" + Suffix)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var file in files)
            {
                var name = Path.GetFileName(file);
                if (name.Length <= Prefix.Length + Suffix.Length)
                {
                    continue;
                }

                var parts = name[Prefix.Length..^Suffix.Length].Split('-');
                if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0)
                {
                    yield return (file, pid, shared);
                }
            }
        }
    }

    /// <summary>Null when trusted; "" when the process is gone (a stale socket, not an attack); else the reason.</summary>
    private string? Check(string path, int pid, bool shared)
    {
        if (LibC.Stat(path, followLinks: false) is not { } socket)
        {
            return "";
        }

        if (!socket.IsSocket)
        {
            return socket.IsSymlink ? "it is a symbolic link, not a socket" : "it is not a socket";
        }

        if (DynamicUserAllocator.ProcessUid(pid, procRoot) is not { } uid)
        {
            return "";
        }

        if (socket.Uid != uid)
        {
            return $"it is owned by uid {socket.Uid} but process {pid} runs as uid {uid}";
        }

        if (shared)
        {
            return null;
        }

        var directory = Path.GetDirectoryName(path)!;
        if (LibC.Stat(directory, followLinks: false) is not { IsDirectory: true } owner || owner.Uid != uid)
        {
            return $"its directory does not belong to uid {uid} of process {pid}";
        }

        return TmpDirOf(pid) == directory ? null : $"its directory is not the TMPDIR of process {pid}";
    }

    /// <summary>TMPDIR from the environment the process started with (/proc/{pid}/environ, proc(5)).</summary>
    private string? TmpDirOf(int pid)
    {
        try
        {
            var entry = File.ReadAllText($"{procRoot}/{pid}/environ").Split('\0').FirstOrDefault(e => e.StartsWith("TMPDIR=", StringComparison.Ordinal));
            return entry?["TMPDIR=".Length..].TrimEnd('/');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
