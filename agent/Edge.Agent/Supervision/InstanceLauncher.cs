using System.Diagnostics;
using System.Globalization;
using Edge.Agent.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

/// <summary>
/// Starts an instance through a tiny <c>/bin/sh</c> prologue that writes its own pid into the group's
/// <c>cgroup.procs</c> files (and sets the soft RLIMIT_DATA in rlimit mode), then execs the executable in the same process.
/// The user's program therefore never runs outside its limits. The prologue's paths, limit and the user's
/// executable and arguments travel as positional parameters, so nothing the user passes is interpreted by the shell.
/// </summary>
internal static class InstanceLauncher
{
    /// <summary>
    /// $1, $2 = the FIFOs stdout and stderr go to (or "-" for both: inherited), then the number of procs files, the
    /// files, a KiB data limit or "-", then the command. With captured output SIGPIPE is ignored (inherited through
    /// exec), so that a write while no agent reads the FIFO (an agent restart) fails with EPIPE instead of killing the instance.
    /// </summary>
    private const string Prologue =
        "if [ \"$1\" != - ]; then exec >\"$1\" 2>\"$2\" || exit 126; trap '' PIPE; fi; shift 2; " +
        "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 126; n=$((n-1)); shift; done; " +
        "if [ \"$1\" != - ]; then ulimit -S -d \"$1\" || exit 126; fi; shift; exec \"$@\"";

    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// Starts <paramref name="executable"/> (the resolved file) with <paramref name="spec"/>'s arguments, preceded by
    /// <paramref name="execPrefix"/> (e.g. <c>ip netns exec ns</c>) and then the sandbox's privilege drop: the
    /// prologue and the prefix run as root, the program never does (unless the operator chose RunAsUser=root).
    /// </summary>
    /// <remarks><paramref name="output"/>: the FIFOs for stdout and stderr (<see cref="Output.OutputCapture.Open"/>); null leaves them the agent's.</remarks>
    public static Process Start(StartSpec spec, string executable, LaunchPlacement placement, IReadOnlyList<string> execPrefix, InstanceSandbox sandbox, (string Stdout, string Stderr)? output = null)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? sandbox.Directory,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Prologue);
        info.ArgumentList.Add("edge-launch");
        info.ArgumentList.Add(output?.Stdout ?? "-");
        info.ArgumentList.Add(output?.Stderr ?? "-");
        info.ArgumentList.Add(placement.ProcsFiles.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var file in placement.ProcsFiles)
        {
            info.ArgumentList.Add(file);
        }

        info.ArgumentList.Add(placement.DataLimitKib?.ToString(CultureInfo.InvariantCulture) ?? "-");
        foreach (var part in execPrefix)
        {
            info.ArgumentList.Add(part);
        }

        foreach (var part in sandbox.PrivilegeDrop)
        {
            info.ArgumentList.Add(part);
        }

        info.ArgumentList.Add(executable);
        foreach (var arg in spec.Args)
        {
            info.ArgumentList.Add(arg);
        }

        // The instance sees the environment it was given, not the agent's; PATH and the .NET root are defaults only.
        info.Environment.Clear();
        info.Environment["PATH"] = DefaultPath;
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } dotnetRoot)
        {
            info.Environment["DOTNET_ROOT"] = dotnetRoot;
        }

        foreach (var (key, value) in spec.Env)
        {
            info.Environment[key] = value;
        }

        // After the caller's variables, which may not set these (EnvironmentPolicy denies HOME and TMPDIR): .NET
        // puts its diagnostics socket in TMPDIR, where the agent looks for it with the instance's uid.
        info.Environment["HOME"] = sandbox.Directory;
        info.Environment["TMPDIR"] = sandbox.Directory;

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start '{spec.Executable}'");
    }

    /// <summary>True while <paramref name="pid"/> is still the launch shell, before it has exec'd the instance.</summary>
    public static bool InPrologue(int pid)
    {
        // argv of the prologue: /bin/sh, -c, the script, edge-launch, ...
        var args = CgroupFiles.TryRead($"/proc/{pid}/cmdline")?.Split('\0');
        // Then setpriv, still root, until it has changed user and exec'd the program.
        return args is { Length: > 0 } && ((args.Length > 3 && args[3] == "edge-launch") || args[0].EndsWith("/setpriv", StringComparison.Ordinal)) && IsRunning(pid);
    }

    /// <summary>True while <paramref name="pid"/> exists and is not a zombie.</summary>
    public static bool IsRunning(int pid)
    {
        var stat = CgroupFiles.TryRead($"/proc/{pid}/stat");
        if (stat is null)
        {
            return false;
        }

        var close = stat.LastIndexOf(')');
        return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
    }
}
