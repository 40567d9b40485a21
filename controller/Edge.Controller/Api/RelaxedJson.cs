using System.Text.Encodings.Web;
using System.Text.Json;

namespace Edge.Controller.Api;

/// <summary>
/// JSON options for HTTP answers with relaxed escaping, so messages read as written (<c>'node-a'</c>, not
/// <c>\u0027node-a\u0027</c>) when someone curls the API. The API only returns JSON, never HTML, so HTML-sensitive
/// escaping buys nothing there.
/// </summary>
internal static class RelaxedJson
{
    /// <summary>A copy of a source-generated context's options with relaxed escaping, for a new context over them.</summary>
    public static JsonSerializerOptions From(JsonSerializerOptions generated) => new(generated)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = null,
    };
}
