using System.Text.Json.Serialization;

namespace Edge.Controller.Workflows;

/// <summary>Source-generated JSON for the workflow journal and the workflow API.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkflowJournalRecord))]
[JsonSerializable(typeof(SubmitResponse))]
[JsonSerializable(typeof(IReadOnlyList<Edge.Common.Contracts.WorkflowRunStatus>))]
[JsonSerializable(typeof(Edge.Common.Contracts.WorkflowRunStatus))]
[JsonSerializable(typeof(VolumeProjection))]
internal sealed partial class WorkflowJsonContext : JsonSerializerContext;
