namespace Edge.Benchmarks.Replay;

/// <summary>
/// One arm of the comparison: a fresh controller whose forecaster uses <see cref="Recommender"/>. The static arm pins
/// every step to its trace slot, the oracle to the task's own peaks (see <see cref="SubmissionBuilder"/>); both run
/// without the adjuster, and every arm is placed by the same broker.
/// </summary>
/// An arm may be a variant of a named one: <c>edge@Controller:Adjuster:MemoryLookahead=00:00:02</c> is <c>edge</c>
/// with that controller setting (several joined by <c>@</c>), so that a controller change can be measured beside the
/// unchanged controller in the same run.
internal sealed record ReplayArm(string Name, string Recommender, bool Static, string What, bool Oracle = false, HindsightGroup Hindsight = HindsightGroup.None)
{
    /// <summary>
    /// The follow arm: the simulated agents book each task's memory reservation as its usage within two readings ahead
    /// times (1 + this margin) instead of its limit (<see cref="SimulatedInstance"/>); null for every other arm.
    /// </summary>
    public double? FollowMargin { get; init; }

    /// <summary>Controller settings of a variant arm, on top of the arm's own.</summary>
    public IReadOnlyDictionary<string, string> Overrides { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public static readonly IReadOnlyList<ReplayArm> All =
    [
        new("static", "edge", true, "limits = the trace machine's slot per task (coreCount or 1 core, memory pro rata)"),
        new("vpa", "vpa", false, "Controller:Forecast:Recommender=vpa (Kubernetes VPA recommender over earlier runs)"),
        new("edge", "edge", false, "Controller:Forecast:Recommender=edge (the default)"),
        new("hindsight", "edge", false, "memory = the largest true peak among the sequence's tasks of the same component and input size (what the controller sees before a step starts), CPU = the task's own (as the oracle), fixed, same placement: no OOM kill by construction, the most a kill-free forecaster on these features can use", Hindsight: HindsightGroup.ComponentInput),
        new("hindsight-component", "edge", false, "as hindsight, tasks grouped by component alone", Hindsight: HindsightGroup.Component),
        new("hindsight-run", "edge", false, "as hindsight, the largest peak among the same run's tasks of the same component and input size (a forecaster that could guess each run's largest task)", Hindsight: HindsightGroup.RunComponentInput),
        new("oracle", "edge", false, "limits = each task's true peaks (its CPU and peak memory from the trace), fixed, same placement: the floor no forecast can beat", Oracle: true),
        new("follow", "edge", false, "placed as the oracle; its memory reservation follows the task's true usage curve in flight: at every moment the usage it reaches within two readings (--sample-ms) plus 10% (the adjuster's MinMargin), the most an adjuster that resizes while the step runs can use at that reading interval and margin", Oracle: true) { FollowMargin = 0.1 },
    ];

    /// <summary>Whether the step's limits are given (static slot, hindsight or oracle peaks) and the adjuster is off.</summary>
    public bool Pinned => Static || Oracle || Hindsight != HindsightGroup.None;

    /// <summary>The arm named <paramref name="name"/>, or a variant (<c>arm@Key=Value@…</c>); null when the arm is unknown or a setting has no <c>=</c>.</summary>
    public static ReplayArm? Find(string name)
    {
        var parts = name.Split('@');
        var arm = All.FirstOrDefault(a => string.Equals(a.Name, parts[0], StringComparison.OrdinalIgnoreCase));
        if (arm is null || parts.Length == 1)
        {
            return arm;
        }

        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in parts[1..])
        {
            var eq = setting.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return null;
            }

            overrides[setting[..eq]] = setting[(eq + 1)..];
        }

        return arm with { Name = name, What = arm.What + "; " + string.Join(", ", overrides.Select(o => $"{o.Key}={o.Value}")), Overrides = overrides };
    }
}

/// <summary>Which tasks a hindsight arm cannot tell apart: each gets the largest true memory peak of its group.</summary>
internal enum HindsightGroup
{
    /// <summary>Not a hindsight arm.</summary>
    None,

    /// <summary>Same component, over the whole sequence.</summary>
    Component,

    /// <summary>Same component and input size (the step's <c>inputSizeBytes</c> hint, 0 when it has none), over the whole sequence.</summary>
    ComponentInput,

    /// <summary>Same workflow run, component and input size.</summary>
    RunComponentInput,
}
