namespace Edge.Models.Profiling;

/// <summary>Settings of <see cref="ComponentProfiler"/>; <see cref="Validate"/> reports every error at once.</summary>
public sealed record ComponentProfilerOptions
{
    /// <summary>The recommender used, by registry name.</summary>
    public string Recommender { get; init; } = RecommenderRegistry.DefaultName;

    /// <summary>The recommender's knob; null uses its default.</summary>
    public double? Knob { get; init; }

    /// <summary>How long a prediction stays in the transient cache.</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs kept per component (oldest dropped first).</summary>
    public int MaxRunsPerComponent { get; init; } = 500;

    /// <summary>
    /// How much wider the interval (and how much higher the limit) is for a prediction borrowed from similar
    /// components: bounds are moved away from the forecast by this factor.
    /// </summary>
    public double SimilarWidening { get; init; } = 1.5;

    /// <summary>
    /// A never-seen component borrows the runs of components with the same program but other arguments only when
    /// there are at least two of them and their median peaks (CPU and memory) are within this ratio of one another: one wrapper program
    /// (a shell, an interpreter, a generic worker such as edge-workload) often runs very different work.
    /// </summary>
    public double ProgramAgreementRatio { get; init; } = 2.0;

    /// <summary>Input sizes within this ratio of each other count as similar.</summary>
    public double InputSizeRatio { get; init; } = 2.0;

    /// <summary>What a component with no similar history gets (cpu millicores, memory MiB, network Mbps).</summary>
    public Edge.Common.Contracts.ResourceQuantity Fallback { get; init; } = new(1000, 1024, 100);

    public double HorizonSeconds { get; init; } = 3600;

    /// <summary>
    /// Components whose forecaster states are kept between predictions (least recently predicted dropped first; 0: none,
    /// every prediction not in the cache replays the component's runs). A kept component's next prediction feeds its
    /// states only the runs recorded since, then makes one decision (docs/forecasting.md, "Warm states"). About 22 KiB
    /// of memory per component kept (measured by <c>forecast live</c>): about 210 MiB at the default.
    /// </summary>
    public int WarmStates { get; init; } = 10_000;

    /// <summary>
    /// At controller start, predict every component with runs of its own in the background (most recently run first,
    /// at most <see cref="WarmStates"/>), so that the forecasts after start are served from warm states. It does not make
    /// the first predictions faster when they come before it has reached their component (docs/forecasting.md, "Warm states").
    /// </summary>
    public bool PrewarmAtStart { get; init; } = true;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (CacheTtl < TimeSpan.Zero)
        {
            errors.Add($"{nameof(CacheTtl)} must be >= 0, got {CacheTtl}");
        }

        if (MaxRunsPerComponent < 1)
        {
            errors.Add($"{nameof(MaxRunsPerComponent)} must be >= 1, got {MaxRunsPerComponent}");
        }

        if (SimilarWidening < 1)
        {
            errors.Add($"{nameof(SimilarWidening)} must be >= 1, got {SimilarWidening}");
        }

        if (ProgramAgreementRatio < 1)
        {
            errors.Add($"{nameof(ProgramAgreementRatio)} must be >= 1, got {ProgramAgreementRatio}");
        }

        if (InputSizeRatio < 1)
        {
            errors.Add($"{nameof(InputSizeRatio)} must be >= 1, got {InputSizeRatio}");
        }

        if (WarmStates < 0)
        {
            errors.Add($"{nameof(WarmStates)} must be >= 0, got {WarmStates}");
        }

        if (HorizonSeconds <= 0)
        {
            errors.Add($"{nameof(HorizonSeconds)} must be > 0, got {HorizonSeconds}");
        }

        return errors;
    }
}
