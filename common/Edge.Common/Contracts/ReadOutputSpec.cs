namespace Edge.Common.Contracts;

/// <summary>
/// Ask a node for the tail of an instance's kept stdout or stderr. The node answers with one or more
/// <see cref="OutputChunk"/> messages on <c>{prefix}/v1/nodes/{node}/output</c> carrying <paramref name="RequestId"/>.
/// Read-only: not recorded as an applied command and not acknowledged with command events.
/// </summary>
/// <param name="RequestId">Correlates the answer; a valid topic segment.</param>
/// <param name="InstanceId">The instance whose output is read.</param>
/// <param name="Stream"><c>stdout</c> or <c>stderr</c>.</param>
/// <param name="TailBytes">How many of the last bytes to return (the node caps it at 1 MiB).</param>
public sealed record ReadOutputSpec(string RequestId, string InstanceId, string Stream, long TailBytes);
