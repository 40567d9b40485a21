using System.Text.Json.Serialization;
using Edge.Common.Contracts;

namespace Edge.Common.Api;

/// <summary>
/// Source-generated serialization of the HTTP API's answers, shared by the controller (which writes them) and
/// edgectl (which reads them): camelCase names, enums as strings (wire enums keep their own camelCase converter),
/// nulls left out.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(IReadOnlyList<NodeResponse>))]
[JsonSerializable(typeof(MetricsResponse))]
[JsonSerializable(typeof(IReadOnlyList<SeriesResponse>))]
[JsonSerializable(typeof(IReadOnlyList<WorkflowRunStatus>))]
[JsonSerializable(typeof(WorkflowRunStatus))]
[JsonSerializable(typeof(WorkflowSubmission))]
[JsonSerializable(typeof(SubmitResponse))]
[JsonSerializable(typeof(IReadOnlyList<ComponentSummary>))]
[JsonSerializable(typeof(ComponentSummary))]
[JsonSerializable(typeof(IReadOnlyList<Allocation>))]
[JsonSerializable(typeof(IReadOnlyList<QueuedRequest>))]
[JsonSerializable(typeof(AllocationRequest))]
[JsonSerializable(typeof(AllocationOutcome))]
[JsonSerializable(typeof(IReadOnlyList<TokenInfo>))]
[JsonSerializable(typeof(TokenCreated))]
[JsonSerializable(typeof(TokenCreateRequest))]
[JsonSerializable(typeof(NodeDetail))]
[JsonSerializable(typeof(NodeScheduling))]
[JsonSerializable(typeof(CordonRequest))]
[JsonSerializable(typeof(DrainRequest))]
[JsonSerializable(typeof(InstanceOutput))]
[JsonSerializable(typeof(WorkAnnouncement))]
[JsonSerializable(typeof(IReadOnlyList<WorkAnnouncement>))]
public sealed partial class EdgeApiJsonContext : JsonSerializerContext;
