using System.Globalization;
using System.Runtime.CompilerServices;
using Edge.Agent.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Footprint;

/// <summary>
/// Runs <see cref="ResidentTrimmer.TrimSelf"/> <see cref="ResidentTrimOptions.FirstAfter"/> after start and then every
/// <see cref="ResidentTrimOptions.Every"/> (counted from start), when <see cref="ResidentTrimOptions.Mode"/> makes it active, and logs what
/// the memory is made of before and after (resident anonymous and file KiB, the GC heap).
/// </summary>
internal sealed partial class ResidentTrimService : BackgroundService
{
    private readonly ResidentTrimOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<TrimOutcome> _trim;
    private int _trims;
    private PeriodicTimer? _first;
    private PeriodicTimer? _every;

    public ResidentTrimService(IOptions<AgentOptions> options, TimeProvider time, ILogger<ResidentTrimService> logger)
        : this(options.Value.ResidentTrim, time, logger, ResidentTrimmer.TrimSelf, !RuntimeFeature.IsDynamicCodeSupported)
    {
    }

    /// <param name="options">When to trim.</param>
    /// <param name="time">The clock of the schedule.</param>
    /// <param name="logger">Where each trim is reported.</param>
    /// <param name="trim">The trim to run (tests count calls).</param>
    /// <param name="aheadOfTime">Whether the process is compiled ahead of time (Native AOT), which <c>auto</c> follows.</param>
    internal ResidentTrimService(ResidentTrimOptions options, TimeProvider time, ILogger logger, Func<TrimOutcome> trim, bool aheadOfTime)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _trim = trim;
        Active = options.IsActive(dynamicCodeSupported: !aheadOfTime);
    }

    /// <summary>Whether this process trims (the mode, and for <c>auto</c> the build).</summary>
    public bool Active { get; }

    /// <summary>Trims done so far.</summary>
    public int Trims => Volatile.Read(ref _trims);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Created here, not in ExecuteAsync (which runs in the background), so both periods count from host start.
        if (Active)
        {
            _first = new PeriodicTimer(_options.FirstAfter > TimeSpan.Zero ? _options.FirstAfter : TimeSpan.FromMilliseconds(1), _time);
            _every = new PeriodicTimer(_options.Every, _time);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _first?.Dispose();
        _every?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_first is null || _every is null)
        {
            return;
        }

        try
        {
            if (await _first.WaitForNextTickAsync(stoppingToken))
            {
                _first.Dispose();
                RunOnce();
            }

            while (await _every.WaitForNextTickAsync(stoppingToken))
            {
                RunOnce();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One trim, logged; a failure is logged and the next one still runs.</summary>
    internal void RunOnce()
    {
        var before = ResidentMemory.ReadSelf();
        try
        {
            var outcome = _trim();
            var after = ResidentMemory.ReadSelf();
            var heap = GC.GetGCMemoryInfo();
            var first = Interlocked.Increment(ref _trims) == 1;
            var level = first ? LogLevel.Information : LogLevel.Debug;
            if (_logger.IsEnabled(level))
            {
                LogTrimmed(level, before.ToString(), after.ToString(), outcome.Mappings, outcome.ResidentKiB,
                    heap.HeapSizeBytes / 1024, heap.TotalCommittedBytes / 1024);
            }

            if (outcome.FirstError is { } error)
            {
                LogAdviceRefused(outcome.Failed, error);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            LogTrimFailed(ex);
        }
    }

    [LoggerMessage(EventId = 2601, Message = "Resident memory trimmed: before {Before}, after {After}; {Mappings} read-only file mappings advised ({ResidentKiB} KiB were resident in them); GC heap {HeapKiB} KiB, committed {CommittedKiB} KiB")]
    private partial void LogTrimmed(LogLevel level, string before, string after, int mappings, long residentKiB, long heapKiB, long committedKiB);

    [LoggerMessage(2602, LogLevel.Warning, "Resident memory trim: madvise refused {Failed} mappings; first: {Error}")]
    private partial void LogAdviceRefused(int failed, string error);

    [LoggerMessage(2603, LogLevel.Warning, "Resident memory trim failed; the next one runs on schedule")]
    private partial void LogTrimFailed(Exception exception);
}

/// <summary>The resident set of the current process split as /proc/self/status splits it (proc_pid_status(5)), KiB.</summary>
internal readonly record struct ResidentMemory(long RssKiB, long AnonKiB, long FileKiB, long ShmemKiB)
{
    public static ResidentMemory ReadSelf() => Parse(File.ReadLines("/proc/self/status"));

    public static ResidentMemory Parse(IEnumerable<string> statusLines)
    {
        long rss = 0, anon = 0, file = 0, shmem = 0;
        foreach (var line in statusLines)
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = KiB(line);
            }
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                anon = KiB(line);
            }
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
            {
                file = KiB(line);
            }
            else if (line.StartsWith("RssShmem:", StringComparison.Ordinal))
            {
                shmem = KiB(line);
            }
        }

        return new ResidentMemory(rss, anon, file, shmem);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"RSS {RssKiB} KiB (anon {AnonKiB}, file {FileKiB}, shmem {ShmemKiB})");

    private static long KiB(string line)
    {
        var value = line.AsSpan(line.IndexOf(':') + 1).Trim();
        var space = value.IndexOf(' ');
        return long.Parse(space < 0 ? value : value[..space], NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
