namespace Edge.Controller.Workflows;

/// <summary>How one attempt of a step ended.</summary>
internal enum StepOutcome
{
    Succeeded,
    Failed,
    OomKilled,
    Lost,
}
