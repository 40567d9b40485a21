using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Workflows;

namespace Edge.Controller.State;

/// <summary>
/// Workflow runs in the <see cref="IStateStore"/>, written per change rather than per run: a run's small header
/// (<c>runs/{run}</c>), its submission once (<c>submissions/{run}</c>), and one record per step
/// (<c>steps/{run}/{step}</c>) rewritten only when that step changes, so a run of N steps costs O(N) bytes however
/// many transitions it makes (the journal of earlier versions appended the whole run on every change: O(N²)).
/// Deleting a run (retention) removes all three in one transaction. On first start the earlier journal
/// (<c>{DataDirectory}/workflows/runs.jsonl</c>) is imported in one transaction and renamed to <c>runs.jsonl.imported</c>.
/// </summary>
internal sealed partial class WorkflowRunStore
{
    public const string Runs = "runs";
    public const string Submissions = "submissions";
    private const string ImportMarker = "workflows-journal";

    private readonly IStateStore _state;
    private readonly string? _legacyDirectory;
    private readonly ILogger _logger;

    public WorkflowRunStore(IStateStore state, string? legacyDirectory, ILogger logger)
    {
        _state = state;
        _legacyDirectory = legacyDirectory;
        _logger = logger;
    }

    public static string StepsOf(string runId) => $"steps/{runId}";

    /// <summary>Every stored run with its steps in submission order (imports the earlier journal first, once).</summary>
    public IReadOnlyList<StoredRun> Load()
    {
        ImportJournal();
        var runs = new List<StoredRun>();
        foreach (var header in _state.List(Runs))
        {
            var run = header.Decode(StateJsonContext.Default.RunHeader);
            var submission = _state.Get(Submissions, run.RunId) is { } s
                ? s.Decode(EdgeJsonContext.Default.WorkflowSubmission)
                : throw new InvalidDataException($"state: run '{run.RunId}' has a header but no submission record");
            var steps = _state.List(StepsOf(run.RunId)).Select(r => r.Decode(StateJsonContext.Default.StepSnapshot)).ToDictionary(s => s.StepId, StringComparer.Ordinal);
            runs.Add(new StoredRun(run, submission, [.. submission.Steps.Where(s => steps.ContainsKey(s.Id)).Select(s => steps[s.Id])]));
        }

        return runs;
    }

    /// <summary>A new run: header, submission and every step in one transaction.</summary>
    public void Create(RunHeader header, WorkflowSubmission submission, IReadOnlyList<StepSnapshot> steps) =>
        _state.Commit([.. CreateChanges(header, submission, steps)]);

    /// <summary>A change of a run: its header and only the steps that changed, in one transaction.</summary>
    public void Update(RunHeader header, IReadOnlyCollection<StepSnapshot> changed)
    {
        var changes = new List<StateChange>(changed.Count + 1) { PutHeader(header) };
        changes.AddRange(changed.Select(s => PutStep(header.RunId, s)));
        _state.Commit(changes);
    }

    /// <summary>Removes runs (header, submission, steps) in one transaction.</summary>
    public void Delete(IReadOnlyCollection<string> runIds)
    {
        var changes = new List<StateChange>(runIds.Count * 3);
        foreach (var id in runIds)
        {
            changes.Add(StateChange.Delete(Runs, id));
            changes.Add(StateChange.Delete(Submissions, id));
            changes.Add(StateChange.DeleteCollection(StepsOf(id)));
        }

        _state.Commit(changes);
    }

    private static IEnumerable<StateChange> CreateChanges(RunHeader header, WorkflowSubmission submission, IReadOnlyList<StepSnapshot> steps)
    {
        yield return PutHeader(header);
        yield return StateChange.Put(Submissions, header.RunId, JsonSerializer.SerializeToUtf8Bytes(submission, EdgeJsonContext.Default.WorkflowSubmission));
        foreach (var step in steps)
        {
            yield return PutStep(header.RunId, step);
        }
    }

    private static StateChange PutHeader(RunHeader header) =>
        StateChange.Put(Runs, header.RunId, JsonSerializer.SerializeToUtf8Bytes(header, StateJsonContext.Default.RunHeader));

    private static StateChange PutStep(string runId, StepSnapshot step) =>
        StateChange.Put(StepsOf(runId), step.StepId, JsonSerializer.SerializeToUtf8Bytes(step, StateJsonContext.Default.StepSnapshot));

    private void ImportJournal()
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
            IReadOnlyList<WorkflowJournalRecord> records;
            using (var journal = new WorkflowJournal(_legacyDirectory, _logger))
            {
                records = journal.Load(int.MaxValue);
            }

            var changes = new List<StateChange>();
            foreach (var record in records)
            {
                var header = new RunHeader { RunId = record.RunId, SubmittedAtMs = record.SubmittedAtMs, UpdatedAtMs = record.UpdatedAtMs };
                changes.AddRange(CreateChanges(header, record.Submission!, record.Steps));
            }

            changes.Add(StateImports.Marker(ImportMarker, path));
            _state.Commit(changes);
            LogImported(path, records.Count);
        }

        File.Move(path, path + ".imported", overwrite: true);
    }

    [LoggerMessage(EventId = 5312, Level = LogLevel.Warning, Message = "Imported the workflow journal {Path} into the state store: {Runs} runs; the old file is kept as runs.jsonl.imported")]
    private partial void LogImported(string path, int runs);
}
