using System.Collections.Concurrent;
using Edge.Agent.Configuration;
using Edge.Agent.Sampling;
using Edge.Common.Contracts;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Dotnet;

/// <summary>
/// Finds the .NET processes on the node (those publishing a diagnostics port), watches up to
/// <see cref="DotnetCountersOptions.MaxProcesses"/> of them with a <see cref="DotnetCounterSession"/> each, and adds
/// their latest runtime counters to each tick's batch under scope <c>dotnet/{pid}</c>. Skips the agent itself;
/// sessions of exited processes are closed at the next discovery or tick.
/// </summary>
internal sealed partial class DotnetCounterSource : BackgroundService, IMetricSource
{
    private readonly DotnetCountersOptions _options;
    private readonly TimeSpan _sampleInterval;
    private readonly TimeProvider _time;
    private readonly AgentMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<int, DotnetCounterSession> _sessions = new();
    private readonly ConcurrentDictionary<int, byte> _refused = new();
    private readonly HashSet<string> _refusedSockets = new(StringComparer.Ordinal);
    private readonly string? _instanceRoot;

    public DotnetCounterSource(
        IOptions<AgentOptions> options, TimeProvider time, AgentMetrics metrics, ILogger<DotnetCounterSource> logger,
        IOptions<Supervision.SupervisorOptions>? supervisor = null)
    {
        _instanceRoot = supervisor?.Value.EffectiveInstanceDirectory;
        _options = options.Value.DotnetCounters;
        _sampleInterval = options.Value.SampleInterval;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The process never watched: the agent's own by default (tests may watch themselves).</summary>
    internal int ExcludedPid { get; init; } = Environment.ProcessId;

    /// <summary>Which discovered processes may be watched (all by default; tests narrow it to their own child).</summary>
    internal Func<int, bool> MayWatch { get; init; } = static _ => true;

    /// <summary>Where runtimes without a TMPDIR of their own put their sockets: the agent's temp directory (/tmp).</summary>
    internal string SharedSocketDirectory { get; init; } = Path.GetTempPath().TrimEnd('/');

    /// <summary>Pids currently watched.</summary>
    public ICollection<int> WatchedPids => _sessions.Keys;

    public void Collect(long nowMs, List<MetricSample> samples)
    {
        foreach (var (pid, session) in _sessions)
        {
            if (session.Ended)
            {
                Close(pid);
                continue;
            }

            session.AppendLatest(samples);
        }
    }

    /// <summary>Looks for new .NET processes once and opens sessions up to the cap; closes sessions of exited ones.</summary>
    public void Discover()
    {
        var (sockets, refused) = new DiagnosticsSocketFinder(SharedSocketDirectory, _instanceRoot).Find();
        NoteRefused(refused);
        var published = new HashSet<int>(sockets.Keys);
        foreach (var pid in _sessions.Keys)
        {
            if (!published.Contains(pid) || _sessions[pid].Ended)
            {
                Close(pid);
            }
        }

        foreach (var pid in _refused.Keys)
        {
            if (!published.Contains(pid))
            {
                _refused.TryRemove(pid, out _);
            }
        }

        foreach (var pid in published)
        {
            if (_sessions.Count >= _options.MaxProcesses)
            {
                break;
            }

            if (pid != ExcludedPid && MayWatch(pid) && !_sessions.ContainsKey(pid) && !_refused.ContainsKey(pid))
            {
                Open(pid, sockets[pid]);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var pid in _sessions.Keys)
        {
            Close(pid);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled || _options.MaxProcesses == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.DiscoveryInterval, _time);
        try
        {
            do
            {
                try
                {
                    Discover();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    LogDiscoveryFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Counts and logs each untrusted socket once, for as long as it exists.</summary>
    private void NoteRefused(List<(string Path, string Reason)> refused)
    {
        _refusedSockets.IntersectWith(refused.Select(r => r.Path));
        foreach (var (path, reason) in refused)
        {
            if (_refusedSockets.Add(path))
            {
                _metrics.DotnetSocketsRefused.Add(1);
                LogSocketRefused(path, reason);
            }
        }
    }

    private void Open(int pid, string socketPath)
    {
        var session = new DotnetCounterSession(pid);
        try
        {
            session.Start(_sampleInterval, socketPath);
            _sessions[pid] = session;
            LogWatching(pid);
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or ServerErrorException or UnsupportedCommandException or IOException or TimeoutException or UnauthorizedAccessException)
        {
            session.Dispose();
            _refused[pid] = 0;
            _metrics.DotnetSessionErrors.Add(1);
            LogSessionRefused(pid, ex.Message);
        }
    }

    private void Close(int pid)
    {
        if (_sessions.TryRemove(pid, out var session))
        {
            session.Dispose();
            if (session.Error is { } error)
            {
                _metrics.DotnetSessionErrors.Add(1);
                LogSessionFailed(pid, error.Message);
            }
            else
            {
                LogStopped(pid);
            }
        }
    }
}
