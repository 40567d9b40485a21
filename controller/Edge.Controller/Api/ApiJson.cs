using System.Text.Encodings.Web;
using System.Text.Json;

namespace Edge.Controller.Api;

/// <summary>
/// The API's JSON context with relaxed escaping, so messages read as written (<c>'node-a'</c>, not <c>\u0027node-a\u0027</c>)
/// when someone curls the API. The API only returns JSON, never HTML, so HTML-sensitive escaping buys nothing here.
/// </summary>
internal static class ApiJson
{
    public static ApiJsonContext Context { get; } = new(new JsonSerializerOptions(ApiJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = null,
    });
}
