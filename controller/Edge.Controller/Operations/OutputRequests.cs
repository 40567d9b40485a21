using System.Collections.Concurrent;
using System.Text;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Operations;

/// <summary>
/// Reads an instance's output from the node that keeps it: sends a <see cref="CommandKind.ReadOutput"/> command on
/// the node's command topic and waits for the <see cref="OutputChunk"/> answers on its output topic, correlated by
/// request id. A chunk is accepted only from the node the request went to (the broker's ACL already lets a node
/// publish only on its own output topic), so a node cannot answer for another. The bytes are untrusted: they are
/// decoded as UTF-8 with invalid sequences replaced.
/// </summary>
internal sealed partial class OutputRequests(ICommandPublisher commands, IOptions<OperationsOptions> options, TimeProvider time, ILogger<OutputRequests> logger)
{
    /// <summary>Answers to this many requests may be outstanding at once; more are refused.</summary>
    public const int MaxPending = 256;

    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    /// <summary>Chunks that matched no request (late, duplicated or forged), counted.</summary>
    public long Unmatched => Interlocked.Read(ref _unmatched);

    private long _unmatched;

    /// <summary>Asks <paramref name="nodeId"/> for the tail of the stream; throws <see cref="TimeoutException"/> when it does not answer in time.</summary>
    public async Task<OutputResult> ReadAsync(string nodeId, string instanceId, string stream, long tailBytes, CancellationToken cancellationToken)
    {
        if (_pending.Count >= MaxPending)
        {
            throw new InvalidOperationException($"{MaxPending} output requests are already waiting for their nodes; try again later");
        }

        var requestId = Guid.NewGuid().ToString("N");
        var pending = new Pending(nodeId, instanceId, stream);
        _pending[requestId] = pending;
        try
        {
            await commands.PublishAsync(new NodeCommand
            {
                CommandId = requestId,
                NodeId = nodeId,
                Kind = CommandKind.ReadOutput,
                IssuedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
                ReadOutput = new ReadOutputSpec(requestId, instanceId, stream, tailBytes),
            }, cancellationToken);
            return await pending.Done.Task.WaitAsync(options.Value.OutputRequestTimeout, time, cancellationToken);
        }
        finally
        {
            _pending.TryRemove(requestId, out _);
        }
    }

    /// <summary>One chunk of an answer from <paramref name="nodeId"/> (the topic's node).</summary>
    public void OnChunk(string nodeId, OutputChunk chunk)
    {
        if (!_pending.TryGetValue(chunk.RequestId, out var pending) || pending.NodeId != nodeId || chunk.NodeId != nodeId
            || chunk.InstanceId != pending.InstanceId || chunk.Chunks is < 1 or > 64 || chunk.Chunk < 0 || chunk.Chunk >= chunk.Chunks)
        {
            Interlocked.Increment(ref _unmatched);
            LogUnmatched(nodeId, chunk.RequestId);
            return;
        }

        lock (pending)
        {
            pending.Parts ??= new byte[chunk.Chunks][];
            if (pending.Parts.Length != chunk.Chunks)
            {
                return;
            }

            pending.Parts[chunk.Chunk] = chunk.Data;
            pending.Header ??= chunk;
            if (pending.Parts.Any(p => p is null))
            {
                return;
            }
        }

        var header = pending.Header!;
        if (header.Error is { } error)
        {
            pending.Done.TrySetResult(new OutputResult(null, error));
            return;
        }

        var bytes = pending.Parts.SelectMany(p => p!).ToArray();
        pending.Done.TrySetResult(new OutputResult(
            new InstanceOutput(pending.InstanceId, nodeId, pending.Stream, header.TotalBytes, header.Offset, header.Offset > 0, header.Running,
                Encoding.UTF8.GetString(bytes)),
            null));
    }

    [LoggerMessage(EventId = 7110, Level = LogLevel.Debug, Message = "Output answer from node {Node} for request {RequestId} matches no waiting request (late or not ours); dropped")]
    private partial void LogUnmatched(string node, string requestId);

    private sealed class Pending(string nodeId, string instanceId, string stream)
    {
        public string NodeId { get; } = nodeId;
        public string InstanceId { get; } = instanceId;
        public string Stream { get; } = stream;
        public byte[]?[]? Parts { get; set; }
        public OutputChunk? Header { get; set; }
        public TaskCompletionSource<OutputResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
