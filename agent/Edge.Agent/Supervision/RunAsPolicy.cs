using System.Globalization;

namespace Edge.Agent.Supervision;

/// <summary>
/// Who instances run as, from <c>Supervisor:RunAsUser</c>: <c>dynamic</c> (the default) gives every instance a uid
/// and gid of its own from <c>Supervisor:DynamicUsers</c>, like systemd's DynamicUser= (whose range 61184–65519 is
/// the default here, see systemd.exec(5) and https://systemd.io/UIDS-GIDS/); a user name from /etc/passwd or
/// <c>uid:gid</c> runs them all as that one user; <c>root</c> keeps the old, unsafe behaviour and must be asked for.
/// </summary>
internal sealed record RunAsPolicy
{
    public const string Dynamic = "dynamic";
    public const string Root = "root";

    private RunAsPolicy(InstanceUser? fixedUser, uint first, uint last)
    {
        FixedUser = fixedUser;
        First = first;
        Last = last;
    }

    /// <summary>The one user every instance runs as; null for dynamic users.</summary>
    public InstanceUser? FixedUser { get; }

    public uint First { get; }
    public uint Last { get; }

    public bool IsDynamic => FixedUser is null;

    /// <summary>Parses the two settings; null with <paramref name="error"/> naming the offending value otherwise.</summary>
    public static RunAsPolicy? TryParse(string runAsUser, string dynamicUsers, string passwdPath, out string? error)
    {
        if (!TryParseRange(dynamicUsers, out var first, out var last))
        {
            error = $"{SupervisorOptions.SectionName}:DynamicUsers '{dynamicUsers}' must be a range 'first-last' of uids within 1000..2147483646";
            return null;
        }

        error = null;
        var value = runAsUser.Trim();
        if (value.Length == 0 || value == Dynamic)
        {
            return new RunAsPolicy(null, first, last);
        }

        if (value == Root)
        {
            return new RunAsPolicy(new InstanceUser(0, 0), first, last);
        }

        var parts = value.Split(':');
        if (parts.Length == 2 && uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var gid) && uid < int.MaxValue && gid < int.MaxValue)
        {
            return new RunAsPolicy(new InstanceUser(uid, gid), first, last);
        }

        if (LookUp(value, passwdPath) is { } user)
        {
            return new RunAsPolicy(user, first, last);
        }

        error = $"{SupervisorOptions.SectionName}:RunAsUser '{runAsUser}' is not '{Dynamic}', '{Root}', 'uid:gid' or a user in {passwdPath}";
        return null;
    }

    /// <summary>The uid and gid of <paramref name="name"/> in a passwd(5) file.</summary>
    public static InstanceUser? LookUp(string name, string passwdPath)
    {
        foreach (var fields in ReadPasswd(passwdPath))
        {
            if (fields[0] == name && uint.TryParse(fields[2], CultureInfo.InvariantCulture, out var uid) && uint.TryParse(fields[3], CultureInfo.InvariantCulture, out var gid))
            {
                return new InstanceUser(uid, gid);
            }
        }

        return null;
    }

    /// <summary>Every uid named in a passwd(5) file: dynamic users must never be one of them.</summary>
    public static HashSet<uint> KnownUids(string passwdPath) =>
        [.. ReadPasswd(passwdPath).Select(f => uint.TryParse(f[2], CultureInfo.InvariantCulture, out var uid) ? uid : uint.MaxValue)];

    private static IEnumerable<string[]> ReadPasswd(string path) =>
        File.Exists(path) ? File.ReadLines(path).Select(l => l.Split(':')).Where(f => f.Length >= 4) : [];

    private static bool TryParseRange(string text, out uint first, out uint last)
    {
        last = 0;
        var parts = text.Split('-');
        return uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out first) & parts.Length == 2
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out last)
            && first >= 1000 && first <= last && last < int.MaxValue;
    }
}
