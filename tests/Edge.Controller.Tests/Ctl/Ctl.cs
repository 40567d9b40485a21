namespace Edge.Controller.Tests.Ctl;

/// <summary>Runs edgectl in-process (its real command tree and HTTP client) and captures its exit code, stdout and stderr.</summary>
internal static class Ctl
{
    public sealed record Result(int Exit, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {Exit}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Edge.Ctl.Program.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return new Result(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The lines of a table whose first column is <paramref name="first"/>.</summary>
    public static string[] Row(string table, string first) =>
        [.. table.Split('\n').Where(l => l.StartsWith(first + " ", StringComparison.Ordinal)).Select(l => l)];
}
