namespace Edge.Integration.Tests;

internal static class RepoPaths
{
    /// <summary>The checkout's root: the first folder above the test binaries that holds Edge.sln.</summary>
    public static string Root { get; } = Find();

    /// <summary>Debug or Release: whichever this test assembly was built as.</summary>
    public static string Configuration { get; } = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>A service's apphost in its own project's output folder, so it reads its own appsettings.json.</summary>
    public static string Binary(string project, string name)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{name} is not built at {path}; build Edge.sln first", path);
    }

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Edge.sln not found above " + AppContext.BaseDirectory);
    }
}
