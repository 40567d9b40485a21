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

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatxNative(int dirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static extern IntPtr RealPathNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void FreeNative(IntPtr pointer);

    [DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
    private static extern int LchownNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint uid, uint gid);

    /// <summary>The agent's effective uid.</summary>
    public static uint EffectiveUid => GetEuidNative();

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

    /// <summary>
    /// Owner, group and st_mode (type and permission bits) of <paramref name="path"/>, or null when it cannot be
    /// read. statx(2) is used because its struct has one layout on every architecture (offsets from linux/stat.h:
    /// stx_uid at 20, stx_gid at 24, stx_mode at 28). With <paramref name="followLinks"/> false a symlink is
    /// described itself (AT_SYMLINK_NOFOLLOW), not its target.
    /// </summary>
    public static FileStatus? Stat(string path, bool followLinks)
    {
        const int AtFdCwd = -100;
        const int AtSymlinkNoFollow = 0x100;
        const uint StatxBasicStats = 0x7ff;
        var buffer = new byte[256];
        if (StatxNative(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            return null;
        }

        return new FileStatus(BitConverter.ToUInt32(buffer, 20), BitConverter.ToUInt32(buffer, 24), BitConverter.ToUInt16(buffer, 28));
    }

    /// <summary>realpath(3): the absolute path with every symlink, '.' and '..' resolved; null when a part is missing.</summary>
    public static string? RealPath(string path)
    {
        var resolved = RealPathNative(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            FreeNative(resolved);
        }
    }

    /// <summary>lchown(2): gives <paramref name="path"/> (never a symlink's target) to uid:gid; returns errno or 0.</summary>
    public static int Chown(string path, uint uid, uint gid) => LchownNative(path, uid, gid) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>chmod(2); the agent runs on Linux only, the guard keeps the platform analyzer informed.</summary>
    public static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    /// <summary>Options for a file only its owner may read and write (created 0600).</summary>
    public static FileStreamOptions OwnerOnly(FileMode mode, FileAccess access, FileShare share = FileShare.Read)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
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
