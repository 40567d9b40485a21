using System.Globalization;
using System.Text.Json;
using Edge.Controller.Profiles;

namespace Edge.Controller.State;

/// <summary>
/// The feedback ledger in the <see cref="IStateStore"/>: collection <c>feedback</c> holds one record per finished run
/// (key: a 16-digit sequence number, increasing across all components, so the collection lists in the order runs were
/// recorded), and <c>feedback-carried</c> one record per component with the totals of its runs that retention
/// deleted (a <see cref="LedgerCarry"/>). On first start the ledger of earlier versions
/// (<c>{DataDirectory}/feedback/runs.jsonl</c>, including its carry lines) is imported, keeping each component's
/// latest runs and folding the rest into its carried totals, and the file is renamed to <c>runs.jsonl.imported</c>.
/// An import larger than one commit (etcd's <c>--max-txn-ops</c>) is written in chunks, the first of which records
/// the sequence it starts at, so an import interrupted by a crash is redone over the same keys instead of twice.
/// </summary>
internal sealed partial class FeedbackRunStore
{
    public const string Runs = "feedback";
    public const string Carried = "feedback-carried";
    private const string ImportMarker = "feedback-journal";
    private const string ImportBase = "feedback-journal-base";

    private readonly IStateStore _state;
    private readonly string? _legacyDirectory;
    private readonly int _keepRunsPerComponent;
    private readonly ILogger _logger;

    /// <param name="state">Where the records live.</param>
    /// <param name="legacyDirectory">Where an earlier version's <c>runs.jsonl</c> may be (imported once), or null.</param>
    /// <param name="keepRunsPerComponent">Runs per component an import keeps as they are (the rest are carried).</param>
    /// <param name="logger">Logger.</param>
    public FeedbackRunStore(IStateStore state, string? legacyDirectory, int keepRunsPerComponent, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepRunsPerComponent, 1);
        _state = state;
        _legacyDirectory = legacyDirectory;
        _keepRunsPerComponent = keepRunsPerComponent;
        _logger = logger;
    }

    /// <summary>The store's key of the run recorded with <paramref name="sequence"/>.</summary>
    public static string KeyOf(long sequence) => sequence.ToString("D16", CultureInfo.InvariantCulture);

    /// <summary>
    /// Everything stored (imports the earlier ledger first, once): carried totals, runs in the order recorded (a
    /// damaged record is reported in <see cref="StoredFeedback.Damaged"/> and left out), and the next sequence number.
    /// </summary>
    public StoredFeedback Load()
    {
        ImportLedger();
        var carried = new List<RunTotals>();
        var damaged = new List<(string Key, string Error)>();
        foreach (var record in _state.List(Carried))
        {
            try
            {
                carried.Add(record.Decode(FeedbackJsonContext.Default.LedgerCarry).Carried);
            }
            catch (InvalidDataException ex)
            {
                damaged.Add(($"{Carried}/{record.Key}", ex.Message));
            }
        }

        var runs = new List<(string Key, RunRecord Run)>();
        var next = 0L;
        foreach (var record in _state.List(Runs))
        {
            if (long.TryParse(record.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                next = Math.Max(next, sequence + 1);
            }

            try
            {
                runs.Add((record.Key, record.Decode(FeedbackJsonContext.Default.RunRecord)));
            }
            catch (InvalidDataException ex)
            {
                damaged.Add(($"{Runs}/{record.Key}", ex.Message));
            }
        }

        return new StoredFeedback(carried, runs, next, damaged);
    }

    /// <summary>A stored run, or null when it is gone or damaged (its totals can then not be carried).</summary>
    public RunRecord? Get(string key)
    {
        try
        {
            return _state.Get(Runs, key)?.Decode(FeedbackJsonContext.Default.RunRecord);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    public static StateChange PutRun(string key, RunRecord run) =>
        StateChange.Put(Runs, key, JsonSerializer.SerializeToUtf8Bytes(run, FeedbackJsonContext.Default.RunRecord));

    public static StateChange DeleteRun(string key) => StateChange.Delete(Runs, key);

    public static StateChange PutCarried(RunTotals totals) =>
        StateChange.Put(Carried, totals.ComponentId, JsonSerializer.SerializeToUtf8Bytes(new LedgerCarry(totals), FeedbackJsonContext.Default.LedgerCarry));

    /// <summary>Moves the ledger file of earlier versions into the store once.</summary>
    private void ImportLedger()
    {
        if (_legacyDirectory is null)
        {
            return;
        }

        var path = Path.Combine(_legacyDirectory, "runs.jsonl");
        if (!File.Exists(path))
        {
            return;
        }

        if (_state.Get(StateImports.Collection, ImportMarker) is null)
        {
            Import(path);
        }

        File.Move(path, path + ".imported", overwrite: true);
    }

    private void Import(string path)
    {
        var carried = new Dictionary<string, RunTotals>(StringComparer.Ordinal);
        var runs = new List<RunRecord>();
        var number = 0;
        var damaged = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                if (line.StartsWith(LedgerCarry.Prefix, StringComparison.Ordinal))
                {
                    var carry = JsonSerializer.Deserialize(line, FeedbackJsonContext.Default.LedgerCarry) ?? throw new JsonException("empty record");
                    TotalsOf(carried, carry.Carried.ComponentId).Add(carry.Carried);
                }
                else
                {
                    runs.Add(JsonSerializer.Deserialize(line, FeedbackJsonContext.Default.RunRecord) ?? throw new JsonException("empty record"));
                }
            }
            catch (JsonException ex)
            {
                // The file is kept as runs.jsonl.imported, so the line stays there for whoever investigates.
                LogDamagedLine(path, number, ex.Message);
                damaged++;
            }
        }

        // Each component's latest runs are imported as they are; the older ones only add to its carried totals.
        var perComponent = runs.GroupBy(r => r.ComponentId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var kept = new List<RunRecord>();
        foreach (var run in runs)
        {
            var index = seen.GetValueOrDefault(run.ComponentId);
            seen[run.ComponentId] = index + 1;
            if (index < perComponent[run.ComponentId] - _keepRunsPerComponent)
            {
                TotalsOf(carried, run.ComponentId).Add(run);
            }
            else
            {
                kept.Add(run);
            }
        }

        // Components the store already carries (another controller's runs) keep what they had.
        foreach (var (component, totals) in carried)
        {
            if (_state.Get(Carried, component) is { } existing)
            {
                totals.Add(existing.Decode(FeedbackJsonContext.Default.LedgerCarry).Carried);
            }
        }

        var last = new List<StateChange>();
        last.AddRange(carried.Values.Select(PutCarried));
        last.Add(StateImports.Marker(ImportMarker, path));
        var max = _state.MaxChangesPerCommit;
        if (kept.Count + last.Count <= max)
        {
            var next = NextSequence();
            _state.Commit([.. kept.Select((r, i) => PutRun(KeyOf(next + i), r)), .. last]);
        }
        else
        {
            // Chunks: the first records where the import starts, so a crash mid-way repeats the same keys.
            var first = _state.Get(StateImports.Collection, ImportBase) is { } started
                ? long.Parse(System.Text.Encoding.UTF8.GetString(started.Value), CultureInfo.InvariantCulture)
                : NextSequence();
            var changes = kept.Select((r, i) => PutRun(KeyOf(first + i), r)).ToList();
            for (var offset = 0; offset < changes.Count; offset += max - 1)
            {
                var chunk = changes.Skip(offset).Take(max - 1).ToList();
                if (offset == 0)
                {
                    chunk.Add(StateChange.Put(StateImports.Collection, ImportBase, System.Text.Encoding.UTF8.GetBytes(first.ToString(CultureInfo.InvariantCulture))));
                }

                _state.Commit(chunk);
            }

            // The carried totals, the marker and the end of the import last: until the marker is written a restart
            // imports again over the same keys. (More than one final chunk needs more components than etcd's
            // --max-txn-ops; a crash between those chunks would count the carried totals already written twice.)
            last.Add(StateChange.Delete(StateImports.Collection, ImportBase));
            foreach (var chunk in last.Chunk(max))
            {
                _state.Commit(chunk);
            }
        }

        LogImported(path, runs.Count, kept.Count, damaged);
    }

    private long NextSequence()
    {
        var next = 0L;
        foreach (var record in _state.List(Runs))
        {
            if (long.TryParse(record.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                next = Math.Max(next, sequence + 1);
            }
        }

        return next;
    }

    private static RunTotals TotalsOf(Dictionary<string, RunTotals> totals, string componentId)
    {
        if (!totals.TryGetValue(componentId, out var t))
        {
            totals[componentId] = t = new RunTotals { ComponentId = componentId };
        }

        return t;
    }

    [LoggerMessage(EventId = 5313, Level = LogLevel.Warning, Message = "Imported the feedback ledger {Path} into the state store: {Runs} runs, the latest {Kept} kept as they are and the rest carried as totals, {Damaged} damaged line(s) skipped; the old file is kept as runs.jsonl.imported")]
    private partial void LogImported(string path, int runs, int kept, int damaged);

    [LoggerMessage(EventId = 5314, Level = LogLevel.Warning, Message = "Feedback ledger {Path} line {Line} is damaged and was not imported: {Error}")]
    private partial void LogDamagedLine(string path, int line, string error);
}

/// <summary>What the store holds of the feedback ledger.</summary>
internal sealed record StoredFeedback(
    IReadOnlyList<RunTotals> Carried,
    IReadOnlyList<(string Key, RunRecord Run)> Runs,
    long NextSequence,
    IReadOnlyList<(string Key, string Error)> Damaged);
