namespace Edge.Models.Profiling;

/// <summary>What is known about a component run before it starts; used to find similar components.</summary>
public sealed record ComponentContext(
    string? Workflow = null,
    string? StepName = null,
    string? Command = null,
    double? InputSizeBytes = null,
    string? NodeClass = null);
