using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Workflows;

namespace Edge.Controller.State;

/// <summary>
/// Workflow runs in the <see cref="IStateStore"/>, written per change rather than per run: a run's small header
/// (<c>runs/{run}</c>), its submission once (<c>submissions/{run}</c>), and one record per step
/// (<c>steps/{run}/{step}</c>) rewritten only when that step changes, so a run of N steps costs O(N) bytes however
/// many transitions it makes (the journal of earlier versions appended the whole run on every change: O(N²)).
/// Deleting a run (retention) removes all three in one transaction. On etcd, whose transactions are capped
/// (<c>--max-txn-ops</c>), a write with more changes than that is split, the header last (see <see cref="Create"/>). On first start the earlier journal
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

    /// <summary>
    /// A new run: header, submission and every step in one transaction when the store takes that many changes at once
    /// (SQLite always). etcd caps a transaction (<c>--max-txn-ops</c>, 128 by default): there the steps go first, in
    /// transactions of at most <see cref="IStateStore.MaxChangesPerCommit"/> changes, and the submission and header
    /// last. <see cref="Load"/> lists runs by header, so a run is seen only once all of it is stored; a crash in between
    /// leaves step records of a run nobody knows, overwritten if the run is submitted again.
    /// </summary>
    public void Create(RunHeader header, WorkflowSubmission submission, IReadOnlyList<StepSnapshot> steps)
    {
        var max = Math.Max(1, _state.MaxChangesPerCommit);
        if (steps.Count + 2 <= max)
        {
            _state.Commit([.. CreateChanges(header, submission, steps)]);
            return;
        }

        foreach (var chunk in steps.Chunk(max))
        {
            _state.Commit([.. chunk.Select(s => PutStep(header.RunId, s))]);
        }

        CommitLast([PutSubmission(header.RunId, submission), PutHeader(header)], max);
    }

    /// <summary>A change of a run: its header and only the steps that changed, in one transaction.</summary>
    public void Update(RunHeader header, IReadOnlyCollection<StepSnapshot> changed)
    {
        var changes = new List<StateChange>(changed.Count + 1) { PutHeader(header) };
        changes.AddRange(changed.Select(s => PutStep(header.RunId, s)));
        var max = Math.Max(1, _state.MaxChangesPerCommit);
        if (changes.Count <= max)
        {
            _state.Commit(changes);
            return;
        }

        // More changed steps than one etcd transaction takes (a cancelled run of thousands of steps): the steps in
        // chunks, the header last. Each step record is whole in every chunk; a crash in between leaves some steps at
        // their new state under the old header, which is what a controller that died between two changes leaves too.
        foreach (var chunk in changes.Skip(1).Chunk(max))
        {
            _state.Commit(chunk);
        }

        _state.Commit([changes[0]]);
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

        // Three changes per run (a step collection goes in one range delete); on etcd, runs in groups that fit a
        // transaction, each run's records together.
        var max = Math.Max(3, _state.MaxChangesPerCommit - (_state.MaxChangesPerCommit % 3));
        foreach (var chunk in changes.Chunk(max))
        {
            _state.Commit(chunk);
        }
    }

    /// <summary>The last changes of a chunked write, in one transaction if the store takes them, else in order.</summary>
    private void CommitLast(IReadOnlyList<StateChange> changes, int max)
    {
        if (changes.Count <= max)
        {
            _state.Commit(changes);
            return;
        }

        foreach (var change in changes)
        {
            _state.Commit([change]);
        }
    }

    private static IEnumerable<StateChange> CreateChanges(RunHeader header, WorkflowSubmission submission, IReadOnlyList<StepSnapshot> steps)
    {
        yield return PutHeader(header);
        yield return PutSubmission(header.RunId, submission);
        foreach (var step in steps)
        {
            yield return PutStep(header.RunId, step);
        }
    }

    private static StateChange PutSubmission(string runId, WorkflowSubmission submission) =>
        StateChange.Put(Submissions, runId, JsonSerializer.SerializeToUtf8Bytes(submission, EdgeJsonContext.Default.WorkflowSubmission));

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
            if (changes.Count <= _state.MaxChangesPerCommit)
            {
                _state.Commit(changes);
            }
            else
            {
                // Run by run (each as Create writes it), the marker last: a crash repeats the import, which writes the same keys.
                foreach (var record in records)
                {
                    Create(new RunHeader { RunId = record.RunId, SubmittedAtMs = record.SubmittedAtMs, UpdatedAtMs = record.UpdatedAtMs }, record.Submission!, record.Steps);
                }

                _state.Commit([StateImports.Marker(ImportMarker, path)]);
            }
            LogImported(path, records.Count);
        }

        File.Move(path, path + ".imported", overwrite: true);
    }

    [LoggerMessage(EventId = 5312, Level = LogLevel.Warning, Message = "Imported the workflow journal {Path} into the state store: {Runs} runs; the old file is kept as runs.jsonl.imported")]
    private partial void LogImported(string path, int runs);
}
