namespace Edge.Common.Contracts;

/// <summary>What a controller asks an agent to do.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<CommandKind>))]
public enum CommandKind
{
    Start,
    Resize,
    Stop,
}
