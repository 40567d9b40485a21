namespace Edge.Benchmarks.Replay;

/// <summary>
/// Ground truth for one workflow run, in trace seconds, summed over every instance the simulated agents ran for it
/// (failed and OOM-killed attempts included): reserved and used core-seconds and MiB-seconds, time lost to CPU
/// throttling, OOM kills; reserved and used network (Mbps-seconds: the cap against the larger direction) and the time
/// instances spent held at their network cap. Thread-safe.
/// </summary>
internal sealed class RunTally
{
    private readonly Lock _gate = new();

    public double ReservedCoreS { get; private set; }
    public double UsedCoreS { get; private set; }
    public double ReservedMiBS { get; private set; }
    public double UsedMiBS { get; private set; }
    public double ThrottledS { get; private set; }
    public int OomKills { get; private set; }
    public double ReservedMbpsS { get; private set; }
    public double UsedMbpsS { get; private set; }
    public double NetworkCappedS { get; private set; }
    public int Instances { get; private set; }
    public int Resizes { get; private set; }

    public void Add(double reservedCoreS, double usedCoreS, double reservedMiBS, double usedMiBS, double throttledS)
    {
        lock (_gate)
        {
            ReservedCoreS += reservedCoreS;
            UsedCoreS += usedCoreS;
            ReservedMiBS += reservedMiBS;
            UsedMiBS += usedMiBS;
            ThrottledS += throttledS;
        }
    }

    public void AddNetwork(double reservedMbpsS, double usedMbpsS, double cappedS)
    {
        lock (_gate)
        {
            ReservedMbpsS += reservedMbpsS;
            UsedMbpsS += usedMbpsS;
            NetworkCappedS += cappedS;
        }
    }

    private readonly Dictionary<string, ComponentMemory> _memoryByComponent = new(StringComparer.Ordinal);

    /// <summary>
    /// Per component: MiB-seconds reserved, used, and what reserving each attempt at its task's true peak would have
    /// reserved over the same time (the oracle's share), with its OOM-killed attempts' reservation apart; the
    /// breakdown that shows where an arm's memory reservation goes (docs/benchmarks-replay.md).
    /// </summary>
    public IReadOnlyDictionary<string, ComponentMemory> MemoryByComponent
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, ComponentMemory>(_memoryByComponent, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Books a stretch of one instance of <paramref name="componentId"/> (and, when it was OOM-killed, the whole attempt's reservation) in its component's memory breakdown.</summary>
    public void AddMemory(string componentId, double reservedMiBS, double usedMiBS, double peakMiBS, double killedReservedMiBS)
    {
        lock (_gate)
        {
            var before = _memoryByComponent.GetValueOrDefault(componentId);
            _memoryByComponent[componentId] = new ComponentMemory(
                before.ReservedMiBS + reservedMiBS,
                before.UsedMiBS + usedMiBS,
                before.PeakMiBS + peakMiBS,
                before.KilledReservedMiBS + killedReservedMiBS);
        }
    }

    private readonly Dictionary<string, ComponentCpu> _cpuByComponent = new(StringComparer.Ordinal);

    /// <summary>
    /// Per component: core-seconds reserved, used, and what the attempts' limits at their start (the placement's
    /// forecast, before any resize) would have reserved over the same time: where an arm's CPU reservation goes, and
    /// whether the forecast or the adjuster's resizes put it there.
    /// </summary>
    public IReadOnlyDictionary<string, ComponentCpu> CpuByComponent
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, ComponentCpu>(_cpuByComponent, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Books a stretch of one instance of <paramref name="componentId"/> in its component's CPU breakdown.</summary>
    public void AddCpu(string componentId, double reservedCoreS, double usedCoreS, double startReservedCoreS)
    {
        lock (_gate)
        {
            var before = _cpuByComponent.GetValueOrDefault(componentId);
            _cpuByComponent[componentId] = new ComponentCpu(before.ReservedCoreS + reservedCoreS, before.UsedCoreS + usedCoreS, before.StartReservedCoreS + startReservedCoreS);
        }
    }

    public void CountInstance()
    {
        lock (_gate)
        {
            Instances++;
        }
    }

    private readonly Dictionary<string, int> _oomByComponent = new(StringComparer.Ordinal);

    /// <summary>OOM kills per component.</summary>
    public IReadOnlyDictionary<string, int> OomByComponent
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_oomByComponent, StringComparer.Ordinal);
            }
        }
    }

    public void CountOomKill(string componentId)
    {
        lock (_gate)
        {
            OomKills++;
            _oomByComponent[componentId] = _oomByComponent.GetValueOrDefault(componentId) + 1;
        }
    }

    public void CountResize()
    {
        lock (_gate)
        {
            Resizes++;
        }
    }
}

/// <summary>One component's memory figures in a <see cref="RunTally"/>, in MiB-seconds of trace time.</summary>
internal readonly record struct ComponentMemory(double ReservedMiBS, double UsedMiBS, double PeakMiBS, double KilledReservedMiBS);

/// <summary>One component's CPU figures in a <see cref="RunTally"/>, in core-seconds of trace time.</summary>
internal readonly record struct ComponentCpu(double ReservedCoreS, double UsedCoreS, double StartReservedCoreS);
