using System.Globalization;

namespace Edge.Benchmarks.Replay;

/// <summary>
/// The largest true memory peak (MiB) of each group of tasks in the whole arrival sequence, warm-up included, for a
/// hindsight arm (<see cref="HindsightGroup"/>): what the controller sees of a step before it starts is its component
/// (id, command), its input size (hint <c>inputSizeBytes</c>), its workflow and step name; tasks equal on the chosen
/// features get one limit, the largest peak among them, so none is OOM-killed. (The replay's step arguments encode the
/// simulated demand itself and a step name is not a size signal in these traces — shuffling the names within a run
/// changes the bound by less than a point, docs/benchmarks-replay.md — so neither is a feature here.)
/// </summary>
internal sealed class HindsightPeaks
{
    private readonly HindsightGroup _group;
    private readonly Dictionary<string, double> _peaks = new(StringComparer.Ordinal);

    public HindsightPeaks(IReadOnlyList<Arrival> arrivals, HindsightGroup group)
    {
        if (group == HindsightGroup.None)
        {
            throw new ArgumentException("a hindsight grouping is needed", nameof(group));
        }

        _group = group;
        foreach (var arrival in arrivals)
        {
            foreach (var task in arrival.Workflow.Tasks)
            {
                var key = Key(arrival, task);
                _peaks[key] = Math.Max(_peaks.GetValueOrDefault(key), task.MemoryMiB);
            }
        }
    }

    /// <summary>The limit of <paramref name="task"/> of <paramref name="arrival"/>: its group's largest peak.</summary>
    public double PeakMiB(Arrival arrival, TraceTask task) =>
        _peaks.TryGetValue(Key(arrival, task), out var peak)
            ? peak
            : throw new ArgumentException($"task '{task.Id}' of run '{arrival.RunId}' is not in the sequence the hindsight peaks were taken from", nameof(task));

    private string Key(Arrival arrival, TraceTask task) => _group switch
    {
        HindsightGroup.Component => task.Component,
        HindsightGroup.ComponentInput => string.Create(CultureInfo.InvariantCulture, $"{task.Component}\n{task.InputBytes:R}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{arrival.RunId}\n{task.Component}\n{task.InputBytes:R}"),
    };
}
