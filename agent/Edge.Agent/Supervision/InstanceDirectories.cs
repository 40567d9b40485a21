using Edge.Agent.Cgroups;

namespace Edge.Agent.Supervision;

/// <summary>
/// The private directories of instances, one per group under a root the agent keeps 0711 (others may enter a
/// directory whose name they know, but not list the root). Each is created fresh, 0700 and owned by the instance's
/// uid, and removed when the instance is gone. The name is a short hash of the group's name, so a restarted agent
/// finds it again and a .NET diagnostics socket inside still fits a socket address (sun_path, 108 bytes, unix(7)):
/// with the default root, "/var/lib/edge-agent/supervisor/instances/{12 hex}/dotnet-diagnostic-{pid}-{key}-socket"
/// stays under 100 bytes whatever the instance id.
/// </summary>
internal sealed class InstanceDirectories
{
    private const UnixFileMode RootMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public InstanceDirectories(string root)
    {
        Root = root;
        Directory.CreateDirectory(root);
        LibC.SetMode(root, RootMode);
    }

    public string Root { get; }

    public string PathOf(string groupName) => Path.Combine(Root, NameOf(groupName));

    public static string NameOf(string groupName) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(groupName)), 0, 6);

    /// <summary>Creates the group's directory afresh for <paramref name="user"/> (null: keep the agent as owner).</summary>
    public string Create(string groupName, InstanceUser? user)
    {
        var path = PathOf(groupName);
        Remove(groupName);
        Directory.CreateDirectory(path);
        LibC.SetMode(path, PrivateMode);
        if (user is { } owner && LibC.Chown(path, owner.Uid, owner.Gid) is var errno and not 0)
        {
            Remove(groupName);
            throw new IOException($"could not give instance directory '{path}' to uid {owner}: errno {errno}");
        }

        return path;
    }

    /// <summary>Removes the group's directory and everything in it (symlinks inside are removed, never followed).</summary>
    public void Remove(string groupName)
    {
        var path = PathOf(groupName);
        if (LibC.Stat(path, followLinks: false) is { IsDirectory: true })
        {
            Directory.Delete(path, recursive: true);
        }
        else if (LibC.Stat(path, followLinks: false) is not null)
        {
            File.Delete(path);
        }
    }

    /// <summary>Removes every directory that belongs to none of <paramref name="groupNames"/> (left by instances that ended meanwhile).</summary>
    public void RemoveAllBut(IEnumerable<string> groupNames)
    {
        var keep = groupNames.Select(NameOf).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in Directory.EnumerateFileSystemEntries(Root))
        {
            if (!keep.Contains(Path.GetFileName(entry)))
            {
                if (LibC.Stat(entry, followLinks: false) is { IsDirectory: true })
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
        }
    }
}
