using System.Text.Json.Serialization;

namespace Edge.Controller.Security;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApiTokenFile))]
[JsonSerializable(typeof(ApiToken))]
[JsonSerializable(typeof(TokenCreateRequest))]
[JsonSerializable(typeof(TokenCreated))]
[JsonSerializable(typeof(IReadOnlyList<TokenInfo>))]
internal sealed partial class SecurityJsonContext : JsonSerializerContext;
