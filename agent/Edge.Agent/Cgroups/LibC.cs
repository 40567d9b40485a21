using System.Runtime.InteropServices;

namespace Edge.Agent.Cgroups;

/// <summary>The few libc calls the supervisor needs that .NET does not wrap (kill(2), prlimit(2), sched_setaffinity(2)).</summary>
internal static class LibC
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int RlimitData = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int KillNative(int pid, int signal);

    [DllImport("libc", EntryPoint = "prlimit", SetLastError = true)]
    private static extern int PrlimitNative(int pid, int resource, ref RLimit newLimit, IntPtr oldLimit);

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int SchedSetAffinityNative(int pid, IntPtr size, ulong[] mask);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuidNative();

    /// <summary>Sends <paramref name="signal"/>; false when the process is gone (ESRCH) or not ours.</summary>
    public static bool Kill(int pid, int signal) => pid > 0 && KillNative(pid, signal) == 0;

    /// <summary>True when <paramref name="pid"/> exists (kill with signal 0).</summary>
    public static bool IsAlive(int pid) => pid > 0 && KillNative(pid, 0) == 0;

    public static bool IsRoot => GetEuidNative() == 0;

    /// <summary>
    /// Sets the soft limit of <paramref name="resource"/> for <paramref name="pid"/>, leaving the hard limit
    /// unlimited (raising a hard limit needs CAP_SYS_RESOURCE, which a containerised root may lack); returns errno or 0.
    /// </summary>
    public static int SetSoftLimit(int pid, int resource, ulong value)
    {
        var limit = new RLimit { Current = value, Maximum = ulong.MaxValue };
        return PrlimitNative(pid, resource, ref limit, IntPtr.Zero) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Pins thread <paramref name="tid"/> to the first <paramref name="cores"/> CPUs; returns errno or 0.</summary>
    public static int PinToFirstCores(int tid, int cores)
    {
        var mask = new ulong[16];
        for (var cpu = 0; cpu < cores && cpu < mask.Length * 64; cpu++)
        {
            mask[cpu / 64] |= 1UL << (cpu % 64);
        }

        return SchedSetAffinityNative(tid, mask.Length * sizeof(ulong), mask) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
