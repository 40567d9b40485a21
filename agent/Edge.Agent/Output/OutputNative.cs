using System.Runtime.InteropServices;

namespace Edge.Agent.Output;

/// <summary>The few libc calls output capture needs: FIFOs, non-blocking reads and poll(2) (Linux values).</summary>
internal static class OutputNative
{
    public const int ReadWrite = 0x2;
    public const int NonBlock = 0x800;
    public const int CloseOnExec = 0x80000;
    public const short PollIn = 0x1;
    public const short PollErr = 0x8;
    public const short PollHup = 0x10;
    public const int Interrupted = 4;
    public const int WouldBlock = 11;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkfifoNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mode);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint ReadNative(int fd, ref byte buffer, nuint count);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint WriteNative(int fd, ref byte buffer, nuint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int CloseNative(int fd);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static extern int PollNative([In, Out] PollFd[] fds, nuint count, int timeoutMs);

    [DllImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static extern int Pipe2Native([Out] int[] fds, int flags);

    /// <summary>Creates a FIFO with mode 0600; throws with errno on failure.</summary>
    public static void MakeFifo(string path)
    {
        if (MkfifoNative(path, 0x180) != 0)
        {
            throw new IOException($"mkfifo '{path}' failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>
    /// Opens a FIFO for reading without ever blocking and without reaching EOF: read-write (so the agent is itself a
    /// writer and the instance's open for writing never waits), non-blocking, closed on exec (no instance inherits it).
    /// </summary>
    public static int OpenFifo(string path)
    {
        var fd = OpenNative(path, ReadWrite | NonBlock | CloseOnExec, 0);
        return fd >= 0 ? fd : throw new IOException($"open '{path}' failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>read(2): bytes read, 0 when nothing is waiting (EAGAIN), or -errno.</summary>
    public static int Read(int fd, Span<byte> buffer)
    {
        while (true)
        {
            var n = ReadNative(fd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
            if (n >= 0)
            {
                return (int)n;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == WouldBlock)
            {
                return 0;
            }

            if (errno != Interrupted)
            {
                return -errno;
            }
        }
    }

    public static void WriteByte(int fd)
    {
        byte one = 1;
        WriteNative(fd, ref one, 1);
    }

    public static void Close(int fd)
    {
        if (fd >= 0)
        {
            CloseNative(fd);
        }
    }

    /// <summary>poll(2); returns the number of ready descriptors, or -errno.</summary>
    public static int Poll(PollFd[] fds, int count, int timeoutMs)
    {
        var n = PollNative(fds, (nuint)count, timeoutMs);
        return n >= 0 ? n : -Marshal.GetLastPInvokeError();
    }

    /// <summary>A non-blocking, close-on-exec pipe used to wake the poll loop.</summary>
    public static (int Read, int Write) Pipe()
    {
        var fds = new int[2];
        if (Pipe2Native(fds, NonBlock | CloseOnExec) != 0)
        {
            throw new IOException($"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return (fds[0], fds[1]);
    }
}
