namespace Edge.Models.Tests;

/// <summary>Paths of the trace samples shipped in models/Edge.Models/SampleData.</summary>
internal static class SampleData
{
    public static string Root { get; } = Find();

    public static string Bitbrains => Path.Combine(Root, "bitbrains");

    public static string WfInstances => Path.Combine(Root, "wfinstances");

    public static string Edge => Path.Combine(Root, "edge");

    /// <summary>The synthetic Nextflow trace in data/nextflow-sample (its SOURCE.md says how it was made).</summary>
    public static string NextflowTrace => Path.Combine(new DirectoryInfo(Root).Parent!.Parent!.Parent!.FullName, "data", "nextflow-sample", "trace.txt");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "Edge.Models", "SampleData");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("models/Edge.Models/SampleData not found above " + AppContext.BaseDirectory);
    }
}
