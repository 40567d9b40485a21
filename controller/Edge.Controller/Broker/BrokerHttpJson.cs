using System.Text.Encodings.Web;
using System.Text.Json;

namespace Edge.Controller.Broker;

/// <summary>The broker's JSON context for HTTP answers: relaxed escaping, so that reasons read <c>'x'</c>, not <c>\u0027x\u0027</c>.</summary>
internal static class BrokerHttpJson
{
    public static BrokerJsonContext Context { get; } = new(new JsonSerializerOptions(BrokerJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = null,
    });
}
