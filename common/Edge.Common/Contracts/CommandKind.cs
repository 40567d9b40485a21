namespace Edge.Common.Contracts;

/// <summary>What a controller asks an agent to do.</summary>
public enum CommandKind
{
    Start,
    Resize,
    Stop,
}
