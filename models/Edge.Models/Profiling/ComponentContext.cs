namespace Edge.Models.Profiling;

/// <summary>
/// What is known about a component run before it starts; used to find similar components. <c>Command</c> is the command
/// line: the program and its arguments, space-separated.
/// </summary>
public sealed record ComponentContext(
    string? Workflow = null,
    string? StepName = null,
    string? Command = null,
    double? InputSizeBytes = null,
    string? NodeClass = null);
