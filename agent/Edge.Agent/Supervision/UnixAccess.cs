using Edge.Agent.Cgroups;

namespace Edge.Agent.Supervision;

/// <summary>
/// Whether a given uid:gid (with no supplementary groups, as instances run) may reach a path, from the permission
/// bits the kernel checks (path_resolution(7)): search (x) on every directory on the way, then the access asked for
/// on the last component. Root is not special here: instances never run as root unless the operator said so.
/// </summary>
internal static class UnixAccess
{
    public const uint Read = 4;
    public const uint Execute = 1;

    /// <summary>Null when <paramref name="user"/> can reach <paramref name="path"/> with <paramref name="access"/>; else why not.</summary>
    public static string? Check(string path, InstanceUser user, uint access)
    {
        if (user.IsRoot)
        {
            return null;
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        for (var i = 0; i <= parts.Length; i++)
        {
            var last = i == parts.Length;
            if (LibC.Stat(current, followLinks: true) is not { } status)
            {
                return $"'{current}' does not exist";
            }

            var need = last ? access : Execute;
            if ((Allowed(status, user) & need) != need)
            {
                return $"'{current}' (owner {status.Uid}:{status.Gid}, mode {status.Permissions}) does not let uid {user.Uid} {(need == Execute ? "enter it" : Describe(need))}";
            }

            if (!last)
            {
                current = Path.Combine(current, parts[i]);
            }
        }

        return null;
    }

    private static uint Allowed(FileStatus status, InstanceUser user) =>
        status.Uid == user.Uid ? (status.Mode >> 6) & 7 : status.Gid == user.Gid ? (status.Mode >> 3) & 7 : status.Mode & 7;

    private static string Describe(uint access) => access switch
    {
        Read | Execute => "read and enter/run it",
        Read => "read it",
        _ => "run it",
    };
}
