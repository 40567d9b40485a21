using Edge.Controller.Api;
using Edge.Controller.Profiles;

namespace Edge.Controller.Workflows;

/// <summary>The workflow and component API's JSON with relaxed escaping (<see cref="RelaxedJson"/>).</summary>
internal static class WorkflowHttpJson
{
    public static WorkflowJsonContext Workflows { get; } = new(RelaxedJson.From(WorkflowJsonContext.Default.Options));

    public static FeedbackJsonContext Components { get; } = new(RelaxedJson.From(FeedbackJsonContext.Default.Options));
}
