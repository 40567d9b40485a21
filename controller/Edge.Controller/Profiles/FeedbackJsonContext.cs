using System.Text.Json.Serialization;

namespace Edge.Controller.Profiles;

/// <summary>Source-generated JSON for the feedback ledger and the components API.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunRecord))]
[JsonSerializable(typeof(LedgerCarry))]
[JsonSerializable(typeof(ComponentSummary))]
[JsonSerializable(typeof(IReadOnlyList<ComponentSummary>))]
internal sealed partial class FeedbackJsonContext : JsonSerializerContext;
