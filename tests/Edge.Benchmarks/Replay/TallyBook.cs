using System.Collections.Concurrent;

namespace Edge.Benchmarks.Replay;

/// <summary>The <see cref="RunTally"/> of every workflow run of one arm, by run id (instances without one under "").</summary>
internal sealed class TallyBook
{
    private readonly ConcurrentDictionary<string, RunTally> _runs = new(StringComparer.Ordinal);

    public RunTally For(string? runId) => _runs.GetOrAdd(runId ?? "", _ => new RunTally());

    public RunTally? Find(string runId) => _runs.GetValueOrDefault(runId);
}
