using Edge.Agent.Cgroups;

namespace Edge.Agent.Supervision;

/// <summary>
/// Decides whether an executable may be started as an instance. Symlinks are resolved first (realpath(3)) on both
/// the executable and every allow-list entry, so a link inside an allowed directory that points elsewhere is judged
/// by where it points. The resolved file must be a regular file owned by root or the agent's uid and writable by
/// nobody else, and so must every directory above it (a world-writable directory is accepted only with the sticky
/// bit and a trusted owner, as /tmp: nobody else may then rename or replace the entries in it, see chmod(2) S_ISVTX).
/// The same holds for the <c>{name}.dll</c> beside a .NET apphost, which is the code the apphost actually runs.
/// </summary>
internal static class ExecutableTrust
{
    /// <summary>Null when <paramref name="executable"/> may run; else why not. <paramref name="resolved"/> is what to exec.</summary>
    public static string? Check(string executable, IReadOnlyList<string> allowList, out string resolved)
    {
        resolved = executable;
        if (LibC.RealPath(executable) is not { } real)
        {
            return $"executable '{executable}' does not exist";
        }

        resolved = real;
        var via = real == executable ? "" : $" (it resolves to '{real}')";
        if (!allowList.Any(entry => Matches(entry, real)))
        {
            return $"executable '{executable}' is not on the allow-list{via}";
        }

        var dll = Path.Combine(Path.GetDirectoryName(real)!, Path.GetFileName(real) + ".dll");
        return CheckFile(real, "executable", executable)
            ?? (File.Exists(dll) || LibC.Stat(dll, followLinks: false) is not null
                ? LibC.RealPath(dll) is { } realDll ? CheckFile(realDll, ".NET assembly", executable) : $".NET assembly '{dll}' of executable '{executable}' is a dangling link"
                : null);
    }

    private static bool Matches(string entry, string real)
    {
        if (entry.EndsWith('/'))
        {
            return LibC.RealPath(entry) is { } dir && real.StartsWith(dir.TrimEnd('/') + "/", StringComparison.Ordinal);
        }

        return LibC.RealPath(entry) is { } file && file == real;
    }

    /// <summary>The file and every directory above it must be trusted: owned by root or the agent, not writable by others.</summary>
    private static string? CheckFile(string real, string what, string requested)
    {
        var of = real == requested ? "" : $" (for '{requested}')";
        if (LibC.Stat(real, followLinks: false) is not { } file || !file.IsRegularFile)
        {
            return $"{what} '{real}'{of} is not a regular file";
        }

        if (!IsTrustedOwner(file.Uid))
        {
            return $"{what} '{real}'{of} is owned by uid {file.Uid}, not root or the agent (uid {LibC.EffectiveUid})";
        }

        if (file.IsWritableByOthers)
        {
            return $"{what} '{real}'{of} is group- or world-writable (mode {file.Permissions})";
        }

        for (var dir = Path.GetDirectoryName(real); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (LibC.Stat(dir, followLinks: false) is not { } status || !status.IsDirectory)
            {
                return $"directory '{dir}' above {what} '{real}'{of} cannot be examined";
            }

            if (!IsTrustedOwner(status.Uid))
            {
                return $"directory '{dir}' above {what} '{real}'{of} is owned by uid {status.Uid}, not root or the agent (uid {LibC.EffectiveUid})";
            }

            if (status.IsWritableByOthers && !status.IsSticky)
            {
                return $"directory '{dir}' above {what} '{real}'{of} is group- or world-writable (mode {status.Permissions})";
            }
        }

        return null;
    }

    private static bool IsTrustedOwner(uint uid) => uid == 0 || uid == LibC.EffectiveUid;
}
