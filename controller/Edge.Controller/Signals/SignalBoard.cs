using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Options;
using Edge.Controller.Security;
using Edge.Models.Signals;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Signals;

/// <summary>
/// Announced work (<see cref="WorkAnnouncement"/>) from the MQTT topic <c>{prefix}/v1/signals</c> and
/// <c>POST /api/signals</c>: validated (every reason named), kept until seven days after their end (the forecasters
/// learn from past announced windows), at most <see cref="MaxKept"/>, and written to
/// <c>{DataDirectory}/signals.json</c> (0600, atomically) on every change, so a restarted controller keeps them.
/// Counted on the meter <c>Edge.Controller.Signals</c> (<c>edge.signals.accepted</c>, <c>edge.signals.rejected</c>).
/// </summary>
internal sealed partial class SignalBoard
{
    public const string MeterName = "Edge.Controller.Signals";
    public const int MaxKept = 10_000;
    public const string FileName = "signals.json";
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, WorkAnnouncement> _byId = new(StringComparer.Ordinal);
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger<SignalBoard> _logger;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;

    public SignalBoard(IOptions<ControllerOptions> options, TimeProvider time, ILogger<SignalBoard> logger, IMeterFactory meters)
    {
        _time = time;
        _logger = logger;
        _path = Path.Combine(options.Value.DataDirectory, FileName);
        var meter = meters.Create(MeterName);
        _accepted = meter.CreateCounter<long>("edge.signals.accepted", description: "Work announcements accepted");
        _rejected = meter.CreateCounter<long>("edge.signals.rejected", description: "Work announcements refused, by channel");
        meter.CreateObservableGauge("edge.signals.kept", () => Count, description: "Work announcements kept");
        Load();
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>Raised after an announcement is kept (the forecaster drops its cached predictions).</summary>
    public event Action? Changed;

    /// <summary>Validates and keeps <paramref name="announcement"/>; returns it as kept (with its id) or every reason it was refused.</summary>
    public (WorkAnnouncement? Kept, IReadOnlyList<string> Errors) Announce(WorkAnnouncement announcement, string via)
    {
        var errors = announcement.Validate().ToList();
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (errors.Count == 0 && EndOf(announcement) < nowMs - (long)Retention.TotalMilliseconds)
        {
            errors.Add($"the announced window ended at {EndOf(announcement)}, more than 7 days before now ({nowMs})");
        }

        if (errors.Count > 0)
        {
            _rejected.Add(1, new KeyValuePair<string, object?>("via", via));
            LogRefused(via, string.Join("; ", errors));
            return (null, errors);
        }

        var kept = announcement.Id is null ? announcement with { Id = "sig-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) } : announcement;
        lock (_gate)
        {
            Prune(nowMs);
            if (_byId.Count >= MaxKept && !_byId.ContainsKey(kept.Id!))
            {
                _rejected.Add(1, new KeyValuePair<string, object?>("via", via));
                return (null, [$"{MaxKept} announcements are kept already; retry when some have expired"]);
            }

            _byId[kept.Id!] = kept;
            Save();
        }

        _accepted.Add(1, new KeyValuePair<string, object?>("via", via));
        Changed?.Invoke();
        return (kept, []);
    }

    /// <summary>Every announcement kept, by start.</summary>
    public IReadOnlyList<WorkAnnouncement> All()
    {
        lock (_gate)
        {
            return [.. _byId.Values.OrderBy(a => a.StartMs).ThenBy(a => a.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// The announcements for <paramref name="component"/> (or its step name <paramref name="label"/>) whose window
    /// overlaps [<paramref name="fromMs"/>, <paramref name="toMs"/>]: the covariate a forecaster reads.
    /// </summary>
    public IReadOnlyList<WorkAnnouncement> For(string component, string? label, long fromMs, long toMs)
    {
        lock (_gate)
        {
            return [.. _byId.Values
                .Where(a => (a.Component == component || (label is not null && a.Label == label)) && a.StartMs <= toMs && EndOf(a) >= fromMs)
                .OrderBy(a => a.StartMs)];
        }
    }

    public static long EndOf(WorkAnnouncement a) => a.EndMs ?? (a.StartMs + WorkAnnouncement.DefaultDurationMs);

    /// <summary>
    /// Every announcement for <paramref name="component"/> (or its step name <paramref name="label"/>), past ones
    /// included, as the models' covariate (<see cref="WorkSignal"/>, whole seconds covering the announced window). The
    /// board does not keep when an announcement arrived; it is taken to be known from its start.
    /// </summary>
    public IReadOnlyList<WorkSignal> SignalsFor(string component, string? label) =>
        [.. For(component, label, long.MinValue, long.MaxValue).Select(ToSignal)];

    public static WorkSignal ToSignal(WorkAnnouncement a)
    {
        var startS = a.StartMs / 1000;
        var endS = (EndOf(a) + 999) / 1000;
        return new WorkSignal(startS, startS, endS, a.Volume);
    }

    private void Prune(long nowMs)
    {
        var cutoff = nowMs - (long)Retention.TotalMilliseconds;
        foreach (var id in _byId.Where(p => EndOf(p.Value) < cutoff).Select(p => p.Key).ToList())
        {
            _byId.Remove(id);
        }
    }

    private void Save()
    {
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(_byId.Values.ToList(), SignalJsonContext.Default.ListWorkAnnouncement);
            PrivateFiles.EnsureDirectory(Path.GetDirectoryName(_path)!);
            PrivateFiles.WriteAtomic(_path, bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Kept in memory; the next change tries again (a full disk loses nothing already on disk).
            LogSaveFailed(_path, ex.Message);
        }
    }

    private void Load()
    {
        if (!File.Exists(_path))
        {
            return;
        }

        try
        {
            var list = JsonSerializer.Deserialize(File.ReadAllBytes(_path), SignalJsonContext.Default.ListWorkAnnouncement) ?? [];
            foreach (var a in list)
            {
                if (a.Id is not null && a.Validate().Count == 0)
                {
                    _byId[a.Id] = a;
                }
            }
        }
        catch (JsonException ex)
        {
            // Keep the unreadable file for the operator instead of overwriting it on the next change.
            var aside = _path + ".corrupt";
            File.Move(_path, aside, overwrite: true);
            LogCorrupt(_path, aside, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Work announcement via {Via} refused: {Reasons}")]
    private partial void LogRefused(string via, string reasons);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the work announcements to {Path}: {Reason}")]
    private partial void LogSaveFailed(string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path} is not readable ({Reason}); moved to {Aside}, starting without announcements")]
    private partial void LogCorrupt(string path, string aside, string reason);
}
