namespace Edge.Agent.Supervision;

/// <summary>
/// How one instance is confined beyond its groups: the user it runs as and its private directory (HOME, TMPDIR and
/// default working directory). <see cref="PrivilegeDrop"/> is the setpriv(1) command line placed right before the
/// program, after <c>ip netns exec</c> (which needs root to join the namespace).
/// </summary>
internal sealed record InstanceSandbox(InstanceUser? User, string Directory, IReadOnlyList<string> PrivilegeDrop)
{
    /// <summary>
    /// setpriv(1) from util-linux: set real and effective uid and gid, drop supplementary groups, empty the
    /// inheritable, ambient and bounding capability sets (a uid change from 0 already clears the permitted and
    /// effective sets, capabilities(7)), and set no_new_privs so that no setuid binary or file capability can
    /// give anything back (prctl(2) PR_SET_NO_NEW_PRIVS).
    /// </summary>
    public static IReadOnlyList<string> DropTo(string setpriv, InstanceUser user) =>
    [
        setpriv, $"--reuid={user.Uid}", $"--regid={user.Gid}", "--clear-groups",
        "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
    ];

    /// <summary>Without root the user cannot change; the instance still gets no_new_privs and no inheritable capabilities.</summary>
    public static IReadOnlyList<string> NoNewPrivileges(string setpriv) => [setpriv, "--inh-caps=-all", "--ambient-caps=-all", "--no-new-privs", "--"];

    public static string? FindSetpriv() =>
        new[] { "/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv", "/sbin/setpriv" }.FirstOrDefault(File.Exists);
}
