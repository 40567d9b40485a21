using System.Text.Json.Serialization;

namespace Edge.Controller.Placement;

/// <summary>Source-generated JSON for the broker's stored records and HTTP bodies (camelCase, enums as strings).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(JournalRecord))]
[JsonSerializable(typeof(AllocatorSnapshot))]
[JsonSerializable(typeof(AllocationRequest))]
[JsonSerializable(typeof(AllocationOutcome))]
[JsonSerializable(typeof(IReadOnlyList<Allocation>))]
[JsonSerializable(typeof(IReadOnlyList<QueuedRequest>))]
internal sealed partial class AllocationJsonContext : JsonSerializerContext;
