using System.Text.Encodings.Web;
using System.Text.Json;
using Edge.Controller.Profiles;

namespace Edge.Controller.Workflows;

/// <summary>The workflow and component API's JSON with relaxed escaping, so reasons read <c>'x'</c>, not <c>\u0027x\u0027</c>.</summary>
internal static class WorkflowHttpJson
{
    public static WorkflowJsonContext Workflows { get; } = new(new JsonSerializerOptions(WorkflowJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = null,
    });

    public static FeedbackJsonContext Components { get; } = new(new JsonSerializerOptions(FeedbackJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = null,
    });
}
