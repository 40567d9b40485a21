namespace Edge.Agent.Supervision;

/// <summary>What became of a command id; replayed as events when the command is redelivered.</summary>
internal enum CommandOutcome
{
    /// <summary>Accepted and still in progress (a stop waiting for the process to exit).</summary>
    Accepted,
    Completed,
    Rejected,
}
