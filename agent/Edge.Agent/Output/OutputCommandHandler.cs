using Edge.Agent.Publishing;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Output;

/// <summary>
/// Answers <see cref="CommandKind.ReadOutput"/>: reads the tail of an instance's kept stream and publishes it as
/// <see cref="OutputChunk"/> messages (each at most <see cref="OutputChunk.MaxDataBytes"/> of data) on this node's
/// output topic, the only one of its kind this node may publish to. Bad requests are answered with an error naming
/// the value; answers are not spooled (the controller waits only a few seconds for them).
/// </summary>
internal sealed partial class OutputCommandHandler(Supervisor supervisor, AgentLink link, AgentIdentity identity, ILogger<OutputCommandHandler> logger) : ICommandHandler
{
    public async Task HandleAsync(NodeCommand command, CancellationToken cancellationToken)
    {
        if (command.Kind != CommandKind.ReadOutput || command.ReadOutput is not { } spec)
        {
            return;
        }

        if (!IdValidator.IsValidSegment(spec.RequestId, out var requestError))
        {
            LogRefused(spec.RequestId, requestError);
            return;
        }

        foreach (var chunk in Answer(spec))
        {
            var payload = PayloadCodec.Encode(chunk, EdgeJsonContext.Default.OutputChunk);
            if (!link.Connection.IsConnected || !await link.Connection.PublishAsync(identity.Topics.NodeOutput(identity.NodeId), payload, retain: false, cancellationToken))
            {
                LogNotSent(spec.RequestId);
                return;
            }
        }
    }

    /// <summary>The chunks answering <paramref name="spec"/>: one with an error, or the data split.</summary>
    internal IEnumerable<OutputChunk> Answer(ReadOutputSpec spec)
    {
        var header = new OutputChunk { RequestId = spec.RequestId, NodeId = identity.NodeId, InstanceId = spec.InstanceId, Stream = spec.Stream };
        var error = !IdValidator.IsValidSegment(spec.InstanceId, out var idError) ? $"instance id '{spec.InstanceId}': {idError}"
            : !OutputCapture.Streams.Contains(spec.Stream) ? $"stream '{spec.Stream}' must be 'stdout' or 'stderr'"
            : spec.TailBytes is < 1 or > OutputChunk.MaxTailBytes ? $"tailBytes {spec.TailBytes} must be from 1 to {OutputChunk.MaxTailBytes}"
            : null;
        (long Total, long Offset, byte[] Data)? tail = null;
        if (error is null)
        {
            try
            {
                tail = supervisor.Output.ReadTail(spec.InstanceId, spec.Stream, spec.TailBytes);
                error = tail is null ? $"no output is kept for instance '{spec.InstanceId}' on this node (never ran here, or removed after its retention)" : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"reading the output of instance '{spec.InstanceId}' failed: {e.Message}";
            }
        }

        if (error is not null)
        {
            LogRefused(spec.RequestId, error);
            yield return header with { Error = error };
            yield break;
        }

        var (total, offset, data) = tail!.Value;
        var running = supervisor.TryGetInstance(spec.InstanceId, out _);
        var chunks = Math.Max(1, (data.Length + OutputChunk.MaxDataBytes - 1) / OutputChunk.MaxDataBytes);
        for (var i = 0; i < chunks; i++)
        {
            var start = i * OutputChunk.MaxDataBytes;
            yield return header with
            {
                TotalBytes = total,
                Offset = offset,
                Running = running,
                Chunk = i,
                Chunks = chunks,
                Data = data[start..Math.Min(data.Length, start + OutputChunk.MaxDataBytes)],
            };
        }
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Output request {RequestId} refused: {Reason}")]
    private partial void LogRefused(string requestId, string reason);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Answer to output request {RequestId} not sent: not connected")]
    private partial void LogNotSent(string requestId);
}
