namespace Edge.Common.Contracts;

/// <summary>What a controller asks an agent to do.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<CommandKind>))]
public enum CommandKind
{
    Start,
    Resize,
    Stop,

    /// <summary>Read an instance's kept output (<see cref="ReadOutputSpec"/>); answered on the node's output topic.</summary>
    ReadOutput,
}
