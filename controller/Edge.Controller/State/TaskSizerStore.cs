using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Models.Forecasting;

namespace Edge.Controller.State;

/// <summary>
/// The workflow service's per-component task sizers (<see cref="TaskSizer"/>) in the <see cref="IStateStore"/>, so a
/// restarted controller, or the next leader, sizes retries as the last one would have instead of learning again.
/// Written per task, not per sizer, so a component of N tasks costs O(N) bytes however often it is saved:
/// <list type="bullet">
/// <item><c>task-sizer-tasks/{component}</c>, key <c>{i:D8}</c>: the i-th task the sizer learned (peak, runtime,
/// input, the forecasts it was scored against), written once;</item>
/// <item><c>task-sizers</c>, key <c>{component}</c>: the sizer's selection state after its first <c>count</c> tasks
/// (each variant's prequential cost and failures), rewritten on every save, in the save's last commit.</item>
/// </list>
/// A crash between the two leaves task records beyond the stored count, ignored at load and overwritten by the next
/// save. A sizer whose records do not describe one (damaged, or from another version of the sizer) is logged as an
/// error naming the component and what is wrong, and starts afresh.
/// </summary>
internal sealed partial class TaskSizerStore(IStateStore state, ILogger logger)
{
    public const string Collection = "task-sizers";

    public static string TasksOf(string component) => $"task-sizer-tasks/{component}";

    /// <summary>
    /// Stores the tasks of <paramref name="sizer"/> from index <paramref name="stored"/> on and its selection state;
    /// returns how many of its tasks the store now holds (<paramref name="stored"/> when the store refused the write,
    /// which is logged: the sizer stays usable, and the next save writes what is missing).
    /// </summary>
    public int Save(string component, TaskSizer sizer, int stored)
    {
        ArgumentNullException.ThrowIfNull(sizer);
        var tasks = sizer.Tasks;
        var changes = new List<StateChange>();
        for (var i = Math.Max(stored, 0); i < tasks.Count; i++)
        {
            var t = tasks[i];
            var record = new StoredSizerTask { Peak = t.PeakMiB, Runtime = t.RuntimeS, Input = t.InputBytes, Forecasts = [.. t.Forecasts] };
            changes.Add(StateChange.Put(TasksOf(component), Index(i), JsonSerializer.SerializeToUtf8Bytes(record, TaskSizerJsonContext.Default.StoredSizerTask)));
        }

        var scores = sizer.Scores;
        var header = new StoredSizer { Count = scores.Count, Costs = [.. scores.Costs], Failures = [.. scores.Failures] };
        changes.Add(StateChange.Put(Collection, component, JsonSerializer.SerializeToUtf8Bytes(header, TaskSizerJsonContext.Default.StoredSizer)));
        try
        {
            // The header last: on etcd, whose transactions are capped, the tasks go first in commits of at most that many.
            var max = Math.Max(1, state.MaxChangesPerCommit);
            for (var start = 0; start < changes.Count; start += max)
            {
                state.Commit(changes.GetRange(start, Math.Min(max, changes.Count - start)));
            }

            return tasks.Count;
        }
        catch (StateStoreException ex)
        {
            LogNotSaved(component, ex.Message);
            return stored;
        }
    }

    /// <summary>
    /// Every stored sizer by component, each with <paramref name="attemptOverheadS"/> and <paramref name="maxFailureRate"/> (<see cref="TaskSizer(double, double)"/>);
    /// one that does not load is logged and left out.
    /// </summary>
    public IReadOnlyDictionary<string, TaskSizer> Load(double attemptOverheadS = 0, double maxFailureRate = 1)
    {
        var sizers = new Dictionary<string, TaskSizer>(StringComparer.Ordinal);
        foreach (var record in state.List(Collection))
        {
            try
            {
                var header = record.Decode(TaskSizerJsonContext.Default.StoredSizer);
                var tasks = new SortedDictionary<int, TaskSizerTask>();
                foreach (var t in state.List(TasksOf(record.Key)))
                {
                    if (!int.TryParse(t.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
                    {
                        throw new InvalidDataException($"task record key '{t.Key}' is not an index");
                    }

                    if (i < header.Count)
                    {
                        var task = t.Decode(TaskSizerJsonContext.Default.StoredSizerTask);
                        tasks[i] = new TaskSizerTask(task.Peak, task.Runtime, task.Input, task.Forecasts ?? []);
                    }
                }

                if (tasks.Count != header.Count || (tasks.Count > 0 && tasks.Keys.Last() != header.Count - 1))
                {
                    throw new InvalidDataException($"{header.Count} tasks expected, {tasks.Count} stored");
                }

                sizers[record.Key] = TaskSizer.Restore([.. tasks.Values], new TaskSizerScores(header.Count, header.Costs ?? [], header.Failures ?? []), attemptOverheadS, maxFailureRate);
            }
            catch (InvalidDataException ex)
            {
                LogDamaged(record.Key, ex.Message);
            }
        }

        return sizers;
    }

    private static string Index(int i) => i.ToString("D8", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 5341, Level = LogLevel.Warning, Message = "Task sizer of component {Component} not saved in the state store ({Reason}); it stays in memory and the next save retries")]
    private partial void LogNotSaved(string component, string reason);

    [LoggerMessage(EventId = 5342, Level = LogLevel.Error, Message = "Task sizer of component {Component} in the state store is damaged ({Why}); not used, it learns again")]
    private partial void LogDamaged(string component, string why);
}

/// <summary>A sizer's selection state in the store (<see cref="TaskSizerScores"/>).</summary>
internal sealed record StoredSizer
{
    public int Count { get; init; }

    public double[]? Costs { get; init; }

    public int[]? Failures { get; init; }
}

/// <summary>One learned task in the store (<see cref="TaskSizerTask"/>): peak MiB, runtime s, input bytes, forecasts MiB.</summary>
internal sealed record StoredSizerTask
{
    public double Peak { get; init; }

    public double Runtime { get; init; }

    public double Input { get; init; }

    public double[]? Forecasts { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredSizer))]
[JsonSerializable(typeof(StoredSizerTask))]
internal sealed partial class TaskSizerJsonContext : JsonSerializerContext;
