namespace Edge.Benchmarks;

/// <summary>
/// The data sets the benchmarks read by default, inside the checkout (<c>data/</c>, each with its SOURCE.md and
/// licence), found from the benchmark binary's folder so that any clone can rerun the documented commands.
/// </summary>
internal static class RepoData
{
    /// <summary>The checkout's root: the first folder above the binary that holds Edge.sln (else the current folder).</summary>
    public static string Root { get; } = Find();

    /// <summary>WfCommons WfInstances (Pegasus, Makeflow, Nextflow runs).</summary>
    public static string WfInstances => Path.Combine(Root, "data", "wfcommons-wfinstances");

    /// <summary>Bitbrains GWA-T-12 Rnd, 100 VMs, July 2013.</summary>
    public static string Bitbrains => Path.Combine(Root, "data", "bitbrains-rnd-2013-07");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
