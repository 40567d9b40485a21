using Edge.Agent.Cgroups;

namespace Edge.Agent.Supervision;

/// <summary>
/// The private directories of instances, one per group under a root the agent keeps 0711 (others may enter a
/// directory whose name they know, but not list the root). Each is created fresh, 0700 and owned by the instance's
/// uid, and removed when the instance is gone; the name is the group's, so a restarted agent finds it again.
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

    public string PathOf(string groupName) => Path.Combine(Root, groupName);

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

    /// <summary>Group names of the directories present (to remove those no instance owns any more).</summary>
    public IReadOnlyList<string> List() =>
        [.. Directory.EnumerateFileSystemEntries(Root).Select(Path.GetFileName).OfType<string>()];
}
