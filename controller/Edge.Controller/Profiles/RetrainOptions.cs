using System.ComponentModel.DataAnnotations;

namespace Edge.Controller.Profiles;

/// <summary>When Edge's model is retrained from finished runs (section <c>Controller:Retrain</c>).</summary>
internal sealed record RetrainOptions
{
    public const string SectionName = "Controller:Retrain";

    public bool Enabled { get; init; } = true;

    /// <summary>How often a retrain is attempted.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromHours(6);

    /// <summary>Finished runs needed before the first attempt.</summary>
    [Range(2, 10_000_000)]
    public int MinRuns { get; init; } = 50;

    /// <summary>The latest share of each component's runs held out to score the candidate against the current model.</summary>
    [Range(0.05, 0.5)]
    public double HeldOutShare { get; init; } = 0.25;
}
