using System.Text;
using System.Text.Json;

namespace Edge.Controller.Workflows;

/// <summary>
/// Workflow runs on disk (<c>{DataDirectory}/workflows/runs.jsonl</c>): every change of a run appends its steps,
/// flushed before the change is acted on, so a restarted controller continues each run where it was. At start the
/// file is compacted to one record per run (finished runs beyond the configured number are dropped). A damaged
/// line is reported with its number and skipped.
/// </summary>
internal sealed partial class WorkflowJournal : IDisposable
{
    private readonly string _path;
    private readonly ILogger _logger;
    private StreamWriter? _writer;

    public WorkflowJournal(string directory, ILogger logger)
    {
        // Submissions carry their steps' environments: only the controller's user may read them.
        Security.PrivateFiles.EnsureDirectory(directory);
        _path = Path.Combine(directory, "runs.jsonl");
        Security.PrivateFiles.Narrow(_path);
        _logger = logger;
    }

    /// <summary>Reads every run's last state, rewrites the file compacted, and opens it for appending.</summary>
    public IReadOnlyList<WorkflowJournalRecord> Load(int keepFinished)
    {
        var runs = new Dictionary<string, WorkflowJournalRecord>(StringComparer.Ordinal);
        if (File.Exists(_path))
        {
            var number = 0;
            foreach (var line in File.ReadLines(_path))
            {
                number++;
                if (line.Length == 0)
                {
                    continue;
                }

                try
                {
                    var record = JsonSerializer.Deserialize(line, WorkflowJsonContext.Default.WorkflowJournalRecord);
                    if (record is null)
                    {
                        continue;
                    }

                    runs[record.RunId] = runs.TryGetValue(record.RunId, out var first) && record.Submission is null
                        ? record with { Submission = first.Submission, SubmittedAtMs = first.SubmittedAtMs }
                        : record;
                }
                catch (JsonException ex)
                {
                    LogDamaged(_path, number, ex.Message);
                }
            }
        }

        var kept = runs.Values.Where(r => r.Submission is not null).ToList();
        var finished = kept.Where(IsFinished).OrderByDescending(r => r.UpdatedAtMs).Skip(keepFinished).Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        kept = [.. kept.Where(r => !finished.Contains(r.RunId)).OrderBy(r => r.SubmittedAtMs)];

        var temporary = _path + ".tmp";
        File.Delete(temporary);
        using (var writer = new StreamWriter(new FileStream(temporary, Security.PrivateFiles.CreateOptions(FileMode.CreateNew)), new UTF8Encoding(false)))
        {
            foreach (var record in kept)
            {
                writer.WriteLine(JsonSerializer.Serialize(record, WorkflowJsonContext.Default.WorkflowJournalRecord));
            }
        }

        File.Move(temporary, _path, overwrite: true);
        _writer = new StreamWriter(new FileStream(_path, Security.PrivateFiles.CreateOptions(FileMode.Append, FileAccess.Write, FileShare.Read)), new UTF8Encoding(false));
        return kept;
    }

    public void Append(WorkflowJournalRecord record)
    {
        var writer = _writer ?? throw new InvalidOperationException("the workflow journal is not loaded");
        writer.WriteLine(JsonSerializer.Serialize(record, WorkflowJsonContext.Default.WorkflowJournalRecord));
        writer.Flush();
    }

    public void Dispose() => _writer?.Dispose();

    private static bool IsFinished(WorkflowJournalRecord record) =>
        record.Steps.All(s => s.State is Common.Contracts.WorkflowStepState.Succeeded or Common.Contracts.WorkflowStepState.Cancelled) ||
        (record.Steps.Any(s => s.State == Common.Contracts.WorkflowStepState.Failed) && !record.Steps.Any(s => s.State is Common.Contracts.WorkflowStepState.Running));

    [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Workflow journal {Path} line {Line} is damaged and was skipped: {Error}")]
    private partial void LogDamaged(string path, int line, string error);
}
