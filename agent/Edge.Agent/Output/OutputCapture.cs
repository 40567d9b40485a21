using Edge.Agent.Cgroups;

namespace Edge.Agent.Output;

/// <summary>
/// Keeps every instance's stdout and stderr on the node: each stream is a FIFO in
/// <c>{StateDirectory}/output/{instance}/</c> that the launch prologue opens for the instance before it execs, and
/// one thread of the agent polls all of them and appends what arrives to the stream's <see cref="SegmentWriter"/>.
/// The agent opens each FIFO read-write and non-blocking, so the instance's open never waits and the agent never
/// blocks on a read; a slow disk or a full one costs output (dropped and counted), never the instance's progress.
/// <para>
/// Across an agent restart the instance keeps its end of the FIFO. While no agent holds the other end its writes
/// fail (EPIPE; the prologue ignores SIGPIPE so that they do not kill it) and that output is lost; the next agent
/// reopens the FIFO when it adopts the instance (<see cref="Reattach"/>) and writes a note saying so into both
/// streams, and capture goes on. Ended instances' output stays for <see cref="OutputLimits.Retention"/>.
/// </para>
/// </summary>
internal sealed class OutputCapture : IDisposable
{
    public const string DirectoryName = "output";
    public const string ExitedMarker = "exited";
    public static readonly string[] Streams = ["stdout", "stderr"];

    private const int ReadBufferBytes = 64 << 10;
    private const int ReadsPerWake = 16;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(10);

    private readonly OutputLimits _limits;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Lock _sweepLock = new();
    private readonly Dictionary<int, SegmentWriter> _byFd = [];
    private readonly Dictionary<string, List<(int Fd, SegmentWriter Writer)>> _byInstance = new(StringComparer.Ordinal);
    private readonly (int Read, int Write) _wake;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _captured;
    private long _lastSweep;
    private long _dropped;

    public OutputCapture(string stateDirectory, OutputLimits limits, TimeProvider time)
    {
        Root = Path.Combine(stateDirectory, DirectoryName);
        _limits = limits;
        _time = time;
        Directory.CreateDirectory(Root);
        LibC.SetMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _lastSweep = time.GetUtcNow().ToUnixTimeMilliseconds();
        _wake = OutputNative.Pipe();
        _thread = new Thread(Run) { IsBackground = true, Name = "edge-output" };
        _thread.Start();
    }

    /// <summary><c>{StateDirectory}/output</c>.</summary>
    public string Root { get; }

    /// <summary>Bytes read from instances' streams and handed to the segment writers.</summary>
    public long CapturedBytes => Interlocked.Read(ref _captured);

    /// <summary>Bytes lost because they could not be written (disk full, I/O errors), over the writers still open.</summary>
    public long DroppedBytes
    {
        get
        {
            lock (_lock)
            {
                return _dropped + _byFd.Values.Sum(w => w.Dropped);
            }
        }
    }

    public string DirectoryOf(string instanceId) => Path.Combine(Root, instanceId);

    public static string FifoName(string stream) => stream + ".pipe";

    /// <summary>
    /// Creates the instance's output directory (0700) and its two FIFOs (0600), and starts reading them; returns
    /// the FIFO paths the launch prologue redirects stdout and stderr to.
    /// </summary>
    public (string Stdout, string Stderr) Open(string instanceId)
    {
        var directory = DirectoryOf(instanceId);
        if (Directory.Exists(directory))
        {
            // A directory left by an earlier instance of the same id: its output is not this one's.
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        LibC.SetMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var stream in Streams)
        {
            OutputNative.MakeFifo(Path.Combine(directory, FifoName(stream)));
        }

        Attach(instanceId, directory);
        return (Path.Combine(directory, FifoName("stdout")), Path.Combine(directory, FifoName("stderr")));
    }

    /// <summary>
    /// Reopens an adopted instance's FIFOs after an agent restart and notes the gap in both streams; false when the
    /// instance has no FIFOs (started without capture, or by an agent that kept none).
    /// </summary>
    public bool Reattach(string instanceId)
    {
        var directory = DirectoryOf(instanceId);
        if (!Streams.All(s => File.Exists(Path.Combine(directory, FifoName(s)))))
        {
            return false;
        }

        Attach(instanceId, directory);
        lock (_lock)
        {
            foreach (var (_, writer) in _byInstance[instanceId])
            {
                lock (writer)
                {
                    writer.Note($"{_time.GetUtcNow():O}: the agent restarted; output the instance wrote while no agent was reading is lost");
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The instance ended: reads what is left in its FIFOs, adds <paramref name="note"/> (if any), closes and removes
    /// the FIFOs and marks the directory ended, which starts its retention.
    /// </summary>
    public void Finish(string instanceId, string? note = null)
    {
        List<(int Fd, SegmentWriter Writer)>? streams;
        lock (_lock)
        {
            if (_byInstance.Remove(instanceId, out streams))
            {
                foreach (var (fd, writer) in streams)
                {
                    _byFd.Remove(fd);
                    _dropped += writer.Dropped;
                }
            }
        }

        var buffer = new byte[ReadBufferBytes];
        foreach (var (fd, writer) in streams ?? [])
        {
            lock (writer)
            {
                Drain(fd, writer, buffer, int.MaxValue);
                if (note is not null)
                {
                    writer.Note(note);
                }

                writer.Dispose();
            }

            OutputNative.Close(fd);
        }

        var directory = DirectoryOf(instanceId);
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var stream in Streams)
        {
            File.Delete(Path.Combine(directory, FifoName(stream)));
        }

        if (streams is null && note is not null)
        {
            foreach (var stream in Streams)
            {
                using var writer = new SegmentWriter(directory, stream, _limits);
                writer.Note(note);
            }
        }

        using (new FileStream(Path.Combine(directory, ExitedMarker), LibC.OwnerOnly(FileMode.Create, FileAccess.Write)))
        {
            // Its modification time starts the retention.
        }

        Wake();
    }

    /// <summary>The instance could not be started: its output directory goes at once.</summary>
    public void Discard(string instanceId)
    {
        Finish(instanceId);
        var directory = DirectoryOf(instanceId);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>True when output of the instance is kept on this node.</summary>
    public bool Has(string instanceId) => Directory.Exists(DirectoryOf(instanceId));

    /// <summary>The last <paramref name="tailBytes"/> kept bytes of a stream; null when nothing is kept for the instance.</summary>
    public (long Total, long Offset, byte[] Data)? ReadTail(string instanceId, string stream, long tailBytes)
    {
        var directory = DirectoryOf(instanceId);
        if (!Directory.Exists(directory))
        {
            return null;
        }

        SegmentWriter? writer;
        lock (_lock)
        {
            writer = _byInstance.TryGetValue(instanceId, out var streams) ? streams.FirstOrDefault(s => s.Writer.Stream == stream).Writer : null;
        }

        if (writer is null)
        {
            return OutputSegments.ReadTail(directory, stream, tailBytes);
        }

        lock (writer)
        {
            return OutputSegments.ReadTail(directory, stream, tailBytes);
        }
    }

    /// <summary>
    /// Removes the output of instances that ended more than the retention ago, and marks as ended the directories
    /// of instances that are neither running (<paramref name="running"/>) nor marked (left by a crash).
    /// </summary>
    public int Sweep(IReadOnlyCollection<string>? running = null)
    {
        lock (_sweepLock)
        {
            return SweepLocked(running);
        }
    }

    private int SweepLocked(IReadOnlyCollection<string>? running)
    {
        var removed = 0;
        var now = _time.GetUtcNow();
        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            var instance = Path.GetFileName(directory);
            var marker = Path.Combine(directory, ExitedMarker);
            bool attached;
            lock (_lock)
            {
                attached = _byInstance.ContainsKey(instance);
            }

            if (attached)
            {
                continue;
            }

            if (!File.Exists(marker))
            {
                if (running is not null && !running.Contains(instance))
                {
                    Finish(instance, $"{now:O}: the instance was found ended when the agent started; output it wrote while no agent was reading is lost");
                }

                continue;
            }

            if (now - File.GetLastWriteTimeUtc(marker) >= _limits.Retention)
            {
                Directory.Delete(directory, recursive: true);
                removed++;
            }
        }

        Interlocked.Exchange(ref _lastSweep, now.ToUnixTimeMilliseconds());
        return removed;
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        Wake();
        _thread.Join(TimeSpan.FromSeconds(5));
        lock (_lock)
        {
            foreach (var (fd, writer) in _byFd)
            {
                lock (writer)
                {
                    writer.Dispose();
                }

                OutputNative.Close(fd);
            }

            _byFd.Clear();
            _byInstance.Clear();
        }

        OutputNative.Close(_wake.Read);
        OutputNative.Close(_wake.Write);
    }

    private void Attach(string instanceId, string directory)
    {
        var streams = new List<(int, SegmentWriter)>(Streams.Length);
        try
        {
            foreach (var stream in Streams)
            {
                var fd = OutputNative.OpenFifo(Path.Combine(directory, FifoName(stream)));
                streams.Add((fd, new SegmentWriter(directory, stream, _limits)));
            }
        }
        catch
        {
            foreach (var (fd, writer) in streams)
            {
                writer.Dispose();
                OutputNative.Close(fd);
            }

            throw;
        }

        lock (_lock)
        {
            _byInstance[instanceId] = streams;
            foreach (var (fd, writer) in streams)
            {
                _byFd[fd] = writer;
            }
        }

        Wake();
    }

    private void Wake() => OutputNative.WriteByte(_wake.Write);

    private void Run()
    {
        var buffer = new byte[ReadBufferBytes];
        var fds = new OutputNative.PollFd[8];
        while (!_stopping)
        {
            int count;
            lock (_lock)
            {
                count = _byFd.Count + 1;
                if (fds.Length < count)
                {
                    fds = new OutputNative.PollFd[count * 2];
                }

                fds[0] = new OutputNative.PollFd { Fd = _wake.Read, Events = OutputNative.PollIn };
                var i = 1;
                foreach (var fd in _byFd.Keys)
                {
                    fds[i++] = new OutputNative.PollFd { Fd = fd, Events = OutputNative.PollIn };
                }
            }

            var ready = OutputNative.Poll(fds, count, (int)SweepInterval.TotalMilliseconds);
            if (_stopping)
            {
                return;
            }

            if (ready > 0)
            {
                if ((fds[0].Revents & OutputNative.PollIn) != 0)
                {
                    while (OutputNative.Read(_wake.Read, buffer) > 0)
                    {
                        // Only wakes the loop so that it polls the current set of FIFOs.
                    }
                }

                for (var i = 1; i < count; i++)
                {
                    if (fds[i].Revents != 0)
                    {
                        ReadReady(fds[i].Fd, buffer);
                    }
                }
            }

            if (_time.GetUtcNow().ToUnixTimeMilliseconds() - Interlocked.Read(ref _lastSweep) >= SweepInterval.TotalMilliseconds)
            {
                TrySweep();
            }
        }
    }

    private void ReadReady(int fd, byte[] buffer)
    {
        SegmentWriter? writer;
        lock (_lock)
        {
            // Finished meanwhile: Finish drained it (and may have closed the fd).
            if (!_byFd.TryGetValue(fd, out writer))
            {
                return;
            }

            lock (writer)
            {
                Drain(fd, writer, buffer, ReadsPerWake);
            }
        }
    }

    private void Drain(int fd, SegmentWriter writer, byte[] buffer, int maxReads)
    {
        for (var reads = 0; reads < maxReads; reads++)
        {
            var n = OutputNative.Read(fd, buffer);
            if (n <= 0)
            {
                return;
            }

            Interlocked.Add(ref _captured, n);
            writer.Append(buffer.AsSpan(0, n));
        }
    }

    private void TrySweep()
    {
        try
        {
            Sweep();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Tried again at the next interval.
            Interlocked.Exchange(ref _lastSweep, _time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }
}
