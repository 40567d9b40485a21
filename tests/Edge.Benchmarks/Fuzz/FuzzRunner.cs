using System.Diagnostics;
using System.Globalization;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// Runs one target for a fixed time: the seeds first, then mutated corpus entries; inputs with a new outcome class
/// join the corpus. Each input has a timeout (a hang is a crash); background errors are checked every
/// <see cref="BackgroundCheckEvery"/> inputs and blamed on the recent ones; memory is sampled every second.
/// </summary>
internal sealed class FuzzRunner(IFuzzTarget target, FuzzOptions options, CrashStore crashes, TextWriter output)
{
    private const int BackgroundCheckEvery = 64;
    private const int RecentInputs = 8;
    private const int MaxHangsInARow = 3;

    public async Task<FuzzStats> RunAsync(CancellationToken cancellationToken)
    {
        var stats = new FuzzStats(target.Name);
        var random = new Random(options.Seed ^ StableHash(target.Name));
        var corpus = new FuzzCorpus(target.Seeds, options.CorpusCapacity);
        var recent = new Queue<byte[]>();
        var duration = TimeSpan.FromMinutes(options.Minutes);
        var clock = Stopwatch.StartNew();
        var lastSample = TimeSpan.Zero;
        var lastProgress = TimeSpan.Zero;
        var hangsInARow = 0;
        stats.RssStartMiB = MemoryProbe.Read().RssMiB;
        foreach (var seed in target.Seeds)
        {
            var outcome = await RunOneAsync(seed, stats, recent);
            stats.Count(outcome.Class);
            await output.WriteLineAsync($"  [{target.Name}] seed ({seed.Length} bytes) -> {outcome.Class}");
        }

        while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
        {
            var input = FuzzMutator.Next(corpus, random);
            var outcome = await RunOneAsync(input, stats, recent);
            if (stats.Count(outcome.Class) && outcome.Crash is null)
            {
                corpus.Add(input, random);
            }

            if (outcome.Class == "CRASH host-stopped")
            {
                await output.WriteLineAsync($"  [{target.Name}] the host stopped; stopping this target");
                break;
            }

            hangsInARow = outcome.Class == "CRASH hang" ? hangsInARow + 1 : 0;
            if (hangsInARow >= MaxHangsInARow)
            {
                await output.WriteLineAsync($"  [{target.Name}] {MaxHangsInARow} hangs in a row: the entry point is wedged; stopping this target");
                break;
            }

            if (stats.Executions % BackgroundCheckEvery == 0 && target.TakeBackgroundFailure() is { } failure)
            {
                Record(stats, FuzzOutcome.Crashed("background", failure), input, recent);
            }

            if (clock.Elapsed - lastSample >= TimeSpan.FromSeconds(1))
            {
                lastSample = clock.Elapsed;
                stats.RssPeakMiB = Math.Max(stats.RssPeakMiB, MemoryProbe.Read().RssMiB);
            }

            if (clock.Elapsed - lastProgress >= TimeSpan.FromMinutes(1))
            {
                lastProgress = clock.Elapsed;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  [{target.Name}] {clock.Elapsed.TotalMinutes:F0} min: {stats.Executions:N0} execs, {stats.Classes.Count} classes, {stats.Crashes} crashes, corpus {corpus.Count}, RSS {MemoryProbe.Read().RssMiB:F0} MiB, GC heap {MemoryProbe.GcHeapMiB():F0} MiB"));
            }
        }

        if (target.TakeBackgroundFailure() is { } last)
        {
            Record(stats, FuzzOutcome.Crashed("background", last), [], recent);
        }

        stats.Elapsed = clock.Elapsed;
        stats.CorpusSize = corpus.Count;
        stats.RssEndMiB = MemoryProbe.Read().RssMiB;
        stats.RssPeakMiB = Math.Max(stats.RssPeakMiB, stats.RssEndMiB);
        stats.GcHeapEndMiB = MemoryProbe.GcHeapMiB();
        return stats;
    }

    private async Task<FuzzOutcome> RunOneAsync(byte[] input, FuzzStats stats, Queue<byte[]> recent)
    {
        var started = Stopwatch.GetTimestamp();
        FuzzOutcome outcome;
        try
        {
            outcome = await target.ExecuteAsync(input, CancellationToken.None).WaitAsync(options.InputTimeout);
        }
        catch (TimeoutException)
        {
            outcome = FuzzOutcome.Crashed("hang", $"no answer within {options.InputTimeout.TotalSeconds} s");
        }

        var took = Stopwatch.GetElapsedTime(started);
        if (took > stats.SlowestInput)
        {
            stats.SlowestInput = took;
        }

        stats.Executions++;
        if (outcome.Crash is not null)
        {
            Record(stats, outcome, input, recent);
        }

        recent.Enqueue(input.Length <= FuzzCorpus.MaxEntryBytes ? input : input[..FuzzCorpus.MaxEntryBytes]);
        if (recent.Count > RecentInputs)
        {
            recent.Dequeue();
        }

        return outcome;
    }

    private void Record(FuzzStats stats, FuzzOutcome crash, byte[] input, Queue<byte[]> recent)
    {
        stats.Crashes++;
        stats.Count(crash.Class);
        var signature = crashes.Save(target.Name, crash, input, [.. recent]);
        if (stats.CrashSignatures.Add(signature))
        {
            output.WriteLine($"  [{target.Name}] NEW CRASH {signature}");
        }
    }

    /// <summary>A hash of the name that is the same in every process (string.GetHashCode is randomised per process).</summary>
    private static int StableHash(string name)
    {
        var hash = 17;
        foreach (var c in name)
        {
            hash = unchecked(hash * 31 + c);
        }

        return hash;
    }
}
