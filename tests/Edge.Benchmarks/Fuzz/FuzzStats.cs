namespace Edge.Benchmarks.Fuzz;

/// <summary>What one target's run found: executions, outcome classes with counts, crashes, memory over the run.</summary>
internal sealed class FuzzStats(string target)
{
    /// <summary>Outcome classes past this many are counted together as "(other)", so the table stays bounded.</summary>
    public const int MaxClasses = 2000;

    public string Target { get; } = target;
    public long Executions { get; set; }
    public TimeSpan Elapsed { get; set; }
    public Dictionary<string, long> Classes { get; } = new(StringComparer.Ordinal);
    public long Crashes { get; set; }
    public HashSet<string> CrashSignatures { get; } = new(StringComparer.Ordinal);
    public int CorpusSize { get; set; }
    public double RssStartMiB { get; set; }
    public double RssEndMiB { get; set; }
    public double RssPeakMiB { get; set; }
    public double GcHeapEndMiB { get; set; }
    public TimeSpan SlowestInput { get; set; }

    public double PerSecond => Elapsed.TotalSeconds > 0 ? Executions / Elapsed.TotalSeconds : 0;

    /// <summary>Counts the class; true when it was never seen before (the input becomes a corpus entry).</summary>
    public bool Count(string outcomeClass)
    {
        if (Classes.TryGetValue(outcomeClass, out var n))
        {
            Classes[outcomeClass] = n + 1;
            return false;
        }

        if (Classes.Count >= MaxClasses)
        {
            Classes["(other)"] = Classes.GetValueOrDefault("(other)") + 1;
            return false;
        }

        Classes[outcomeClass] = 1;
        return true;
    }
}
