using System.Diagnostics;

namespace Edge.Workload;

/// <summary>
/// Burns a target number of cores: one thread per started core, each busy for its share of every 50 ms window
/// and asleep for the rest. The target can change while running (profile replay). Dispose stops and joins the
/// threads, so none of them outlives the caller's cancellation source (a thread waiting on the token's handle after
/// the source was disposed crashed the process with exit 134 at the end of a run).
/// </summary>
internal sealed class CpuBurner : IDisposable
{
    private const int WindowMs = 50;
    private readonly CancellationToken _stop;
    private readonly ManualResetEventSlim _stopped = new();
    private readonly List<Thread> _threads = [];
    private double _cores;

    public CpuBurner(CancellationToken stop) => _stop = stop;

    public void SetCores(double cores)
    {
        Volatile.Write(ref _cores, cores);
        var needed = (int)Math.Ceiling(cores);
        while (_threads.Count < needed)
        {
            var index = _threads.Count;
            var thread = new Thread(() => Burn(index)) { IsBackground = true, Name = $"burn-{index}" };
            _threads.Add(thread);
            thread.Start();
        }
    }

    public void Dispose()
    {
        _stopped.Set();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _stopped.Dispose();
    }

    private void Burn(int index)
    {
        while (!_stopped.IsSet && !_stop.IsCancellationRequested)
        {
            var share = Math.Clamp(Volatile.Read(ref _cores) - index, 0, 1);
            var busyTicks = (long)(share * WindowMs * Stopwatch.Frequency / 1000);
            var start = Stopwatch.GetTimestamp();
            var spin = 0UL;
            while (Stopwatch.GetTimestamp() - start < busyTicks)
            {
                spin = (spin * 6364136223846793005UL) + 1442695040888963407UL;
            }

            GC.KeepAlive(spin);
            var idleMs = WindowMs - (int)Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (idleMs > 0)
            {
                _stopped.Wait(idleMs);
            }
        }
    }
}
