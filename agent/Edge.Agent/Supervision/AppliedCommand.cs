namespace Edge.Agent.Supervision;

/// <summary>One line of the applied-commands file.</summary>
internal sealed record AppliedCommand(string CommandId, CommandOutcome Outcome, string? InstanceId, string? Reason);
