namespace Edge.Controller.Workflows;

/// <summary>How failed steps are retried.</summary>
/// <param name="MaxAttempts">Attempts per step, the first included.</param>
/// <param name="OomMemoryFactor">After an OOM kill the next attempt's memory is the last limit times this.</param>
/// <param name="OomMinimumExtraMiB">…and at least this much more.</param>
internal sealed record WorkflowRetryPolicy(int MaxAttempts = 3, double OomMemoryFactor = 1.5, double OomMinimumExtraMiB = 64);
