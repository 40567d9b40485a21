namespace Edge.Benchmarks.Replay;

/// <summary>
/// One arm of the comparison: a fresh controller whose forecaster uses <see cref="Recommender"/>. The static arm pins
/// every step to its trace slot, the oracle to the task's own peaks (see <see cref="SubmissionBuilder"/>); both run
/// without the adjuster, and every arm is placed by the same broker.
/// </summary>
internal sealed record ReplayArm(string Name, string Recommender, bool Static, string What, bool Oracle = false)
{
    public static readonly IReadOnlyList<ReplayArm> All =
    [
        new("static", "edge", true, "limits = the trace machine's slot per task (coreCount or 1 core, memory pro rata)"),
        new("vpa", "vpa", false, "Controller:Forecast:Recommender=vpa (Kubernetes VPA recommender over earlier runs)"),
        new("edge", "edge", false, "Controller:Forecast:Recommender=edge (the default)"),
        new("oracle", "edge", false, "limits = each task's true peaks (its CPU and peak memory from the trace), fixed, same placement: the floor no forecast can beat", Oracle: true),
    ];

    /// <summary>Whether the step's limits are given (static slot or oracle peaks) and the adjuster is off.</summary>
    public bool Pinned => Static || Oracle;

    public static ReplayArm? Find(string name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}
