namespace Edge.Benchmarks.Replay;

/// <summary>
/// One arm of the comparison: a fresh controller whose forecaster uses <see cref="Recommender"/>. The static arm pins
/// every step to its trace slot (see <see cref="SubmissionBuilder"/>).
/// </summary>
internal sealed record ReplayArm(string Name, string Recommender, bool Static, string What)
{
    public static readonly IReadOnlyList<ReplayArm> All =
    [
        new("static", "edge", true, "limits = the trace machine's slot per task (coreCount or 1 core, memory pro rata)"),
        new("vpa", "vpa", false, "Controller:Forecast:Recommender=vpa (Kubernetes VPA recommender over earlier runs)"),
        new("edge", "edge", false, "Controller:Forecast:Recommender=edge (the default)"),
    ];

    public static ReplayArm? Find(string name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}
