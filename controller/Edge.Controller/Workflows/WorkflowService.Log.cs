namespace Edge.Controller.Workflows;

internal sealed partial class WorkflowService
{
    [LoggerMessage(EventId = 6301, Level = LogLevel.Information, Message = "Workflow run {RunId} ({WorkflowId}, {Steps} steps) accepted from {Source}")]
    private partial void LogSubmitted(string runId, string workflowId, int steps, string source);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Warning, Message = "Workflow submission from {Source} for '{WorkflowId}' refused: {Errors}")]
    private partial void LogRefused(string source, string workflowId, string errors);

    [LoggerMessage(EventId = 6303, Level = LogLevel.Information, Message = "Run {RunId} step {StepId} placed on {Node}: {Reason}")]
    private partial void LogStepPlaced(string runId, string stepId, string node, string reason);

    [LoggerMessage(EventId = 6304, Level = LogLevel.Information, Message = "Run {RunId} step {StepId} queued: {Reason}")]
    private partial void LogStepQueued(string runId, string stepId, string reason);

    [LoggerMessage(EventId = 6305, Level = LogLevel.Warning, Message = "Run {RunId} step {StepId} could not be allocated: {Reason}")]
    private partial void LogStepRefused(string runId, string stepId, string reason);

    [LoggerMessage(EventId = 6306, Level = LogLevel.Information, Message = "Run {RunId} step {StepId} ended {Outcome}, now {State} {Reason}")]
    private partial void LogStepEnded(string runId, string stepId, string outcome, string state, string reason);

    [LoggerMessage(EventId = 6307, Level = LogLevel.Information, Message = "Run {RunId} step {StepId} moved from {From} to {To}: {Reason}")]
    private partial void LogStepMoved(string runId, string stepId, string from, string to, string reason);

    [LoggerMessage(EventId = 6308, Level = LogLevel.Information, Message = "Run {RunId} finished {State} after {Seconds:0.0} s")]
    private partial void LogFinished(string runId, string state, double seconds);

    [LoggerMessage(EventId = 6309, Level = LogLevel.Information, Message = "Restored {Unfinished} unfinished workflow run(s) of {Total} from the state store")]
    private partial void LogRestored(int unfinished, int total);

    [LoggerMessage(EventId = 6313, Level = LogLevel.Error, Message = "Run {RunId}: the state store refused the change, which is undone: {Error}")]
    private partial void LogStoreFailed(string runId, string error);

    [LoggerMessage(EventId = 6314, Level = LogLevel.Information, Message = "Trimmed {Count} finished workflow run(s) past retention; {Kept} run(s) kept")]
    private partial void LogTrimmed(int count, int kept);

    [LoggerMessage(EventId = 6315, Level = LogLevel.Warning, Message = "Run {RunId}: step {StepId} could not be predicted at submission ({Error}); it is predicted when it is placed")]
    private partial void LogPredictionFailed(string runId, string stepId, string error);
}
