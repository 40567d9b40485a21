namespace Edge.Benchmarks.Fuzz;

/// <summary>The class of one execution's outcome; <see cref="Crash"/> is set when it was a failure, not an answer.</summary>
internal readonly record struct FuzzOutcome(string Class, string? Crash = null)
{
    public static FuzzOutcome Crashed(string kind, string detail) => new("CRASH " + kind, detail);
}
