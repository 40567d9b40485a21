
namespace Edge.Controller.Operations;

/// <summary>The content of <c>{DataDirectory}/scheduling.json</c> of earlier versions (imported once into the state store): every node that is cordoned or has a drain on record.</summary>
internal sealed record SchedulingFile
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    public IReadOnlyList<NodeScheduling> Nodes { get; init; } = [];
}
