namespace Edge.Benchmarks.Replay;

/// <summary>One workflow run of the sequence: which instance, when it arrives (trace seconds after the first), measured or warm-up.</summary>
internal sealed record Arrival(int Index, TraceWorkflow Workflow, double AtS, bool WarmUp)
{
    public string RunId => $"r{Index:D3}-{Workflow.File}";

    /// <summary>
    /// Recipes are taken in turn, and each recipe's instances (its <c>-001</c>, <c>-002</c>, … files) in order, so every
    /// recipe is in the warm-up and in the measured part; arrivals are <see cref="ReplayOptions.ArrivalS"/> apart.
    /// </summary>
    public static IReadOnlyList<Arrival> Plan(ReplayOptions options, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        errors = problems;
        var byRecipe = new List<IReadOnlyList<TraceWorkflow>>();
        foreach (var recipe in options.Recipes)
        {
            var directory = Path.Combine(options.Data, Path.GetDirectoryName(recipe) ?? "");
            var prefix = Path.GetFileName(recipe) + "-";
            var files = Directory.Exists(directory)
                ? Directory.EnumerateFiles(directory, prefix + "*.json").Order(StringComparer.Ordinal).ToList()
                : [];
            if (files.Count == 0)
            {
                problems.Add($"--recipes: no file {Path.Combine(directory, prefix)}NNN.json");
                continue;
            }

            byRecipe.Add([.. files.Select(TraceLoader.Load)]);
        }

        if (problems.Count > 0)
        {
            return [];
        }

        return [.. Enumerable.Range(0, options.Workflows).Select(i =>
        {
            var instances = byRecipe[i % byRecipe.Count];
            return new Arrival(i, instances[i / byRecipe.Count % instances.Count], i * options.ArrivalS, i < options.WarmUp);
        })];
    }
}
