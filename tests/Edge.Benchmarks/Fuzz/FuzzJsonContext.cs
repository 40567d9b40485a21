using System.Text.Json.Serialization;

namespace Edge.Benchmarks.Fuzz;

/// <summary>Source-generated JSON for the fuzzer's own strings (quoting keys and values it invents).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class FuzzJsonContext : JsonSerializerContext;
