using System.Buffers;
using System.Text;
using Edge.Agent.Commands;
using Edge.Agent.Configuration;
using Edge.Agent.Publishing;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Tests.Commands;

public sealed class CommandDispatcherTests
{
    private const string Node = "node-a";
    private readonly RecordingSink _sink = new();
    private readonly RecordingHandler _handler = new();

    [Fact]
    public async Task HandleAsync_ValidCommand_ForwardsToEveryHandler()
    {
        var second = new RecordingHandler();
        var dispatcher = Create(_handler, second);

        await dispatcher.HandleAsync(Message(Stop("c-1", Node)), TestContext.Current.CancellationToken);

        Assert.Equal("c-1", Assert.Single(_handler.Commands).CommandId);
        Assert.Single(second.Commands);
        Assert.Empty(_sink.Events);
    }

    [Fact]
    public async Task HandleAsync_OtherNode_RejectsNamingBothNodes()
    {
        await Create(_handler).HandleAsync(Message(Stop("c-2", "node-b")), TestContext.Current.CancellationToken);

        Assert.Empty(_handler.Commands);
        var rejected = Assert.Single(_sink.Events);
        Assert.Equal(NodeEventKind.CommandRejected, rejected.Kind);
        Assert.Equal("c-2", rejected.CommandId);
        Assert.Contains("'node-b'", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains($"'{Node}'", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_NoHandler_RejectsNoSupervisor()
    {
        await Create().HandleAsync(Message(Stop("c-3", Node)), TestContext.Current.CancellationToken);

        Assert.Equal("no supervisor on this agent", Assert.Single(_sink.Events).Reason);
    }

    [Fact]
    public async Task HandleAsync_MalformedWithRecoverableId_RejectsWithThatId()
    {
        var payload = """{"commandId":"c-4","nodeId":"node-a","kind":"explode","issuedAtMs":1}""";

        await Create(_handler).HandleAsync(Message(payload), TestContext.Current.CancellationToken);

        var rejected = Assert.Single(_sink.Events);
        Assert.Equal("c-4", rejected.CommandId);
        Assert.Contains("NodeCommand", rejected.Reason, StringComparison.Ordinal);
        Assert.Empty(_handler.Commands);
    }

    [Fact]
    public async Task HandleAsync_WrongSchemaVersion_RejectsNamingVersion()
    {
        var payload = """{"schemaVersion":99,"commandId":"c-5","nodeId":"node-a","kind":"stop","issuedAtMs":1,"stop":{"instanceId":"i"}}""";

        await Create(_handler).HandleAsync(Message(payload), TestContext.Current.CancellationToken);

        Assert.Contains("99", Assert.Single(_sink.Events).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_GarbageWithoutId_OnlyCounts()
    {
        await Create(_handler).HandleAsync(Message("not json at all"), TestContext.Current.CancellationToken);

        Assert.Empty(_sink.Events);
        Assert.Empty(_handler.Commands);
    }

    [Fact]
    public async Task HandleAsync_KindWithoutSpec_Rejects()
    {
        var payload = """{"schemaVersion":1,"commandId":"c-6","nodeId":"node-a","kind":"resize","issuedAtMs":1}""";

        await Create(_handler).HandleAsync(Message(payload), TestContext.Current.CancellationToken);

        Assert.Contains("resize", Assert.Single(_sink.Events).Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HandleAsync_HandlerThrows_RejectsNamingTheFailure()
    {
        await Create(new ThrowingHandler()).HandleAsync(Message(Stop("c-7", Node)), TestContext.Current.CancellationToken);

        var rejected = Assert.Single(_sink.Events);
        Assert.Equal("c-7", rejected.CommandId);
        Assert.Contains("cgroup went away", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_OversizedPayload_RejectedWithItsIdAndSizeNothingForwarded()
    {
        var padding = new string('x', PayloadCodec.DefaultMaxBytes);
        var payload = $$"""{"schemaVersion":1,"commandId":"c-8","nodeId":"node-a","kind":"stop","issuedAtMs":1,"stop":{"instanceId":"i"},"pad":"{{padding}}"}""";

        await Create(_handler).HandleAsync(Message(payload), TestContext.Current.CancellationToken);

        var rejected = Assert.Single(_sink.Events);
        Assert.Equal(NodeEventKind.CommandRejected, rejected.Kind);
        Assert.Equal("c-8", rejected.CommandId);
        Assert.Contains($"more than the limit of {PayloadCodec.DefaultMaxBytes}", rejected.Reason, StringComparison.Ordinal);
        Assert.Empty(_handler.Commands);
    }

    [Fact]
    public void TryRecoverCommandId_IdBeyondThePrefix_ReturnsNull()
    {
        var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($$"""{"pad":"{{new string('x', 100)}}","commandId":"x"}"""));

        Assert.Null(CommandDispatcher.TryRecoverCommandId(payload, maxBytes: 64));
        Assert.Equal("x", CommandDispatcher.TryRecoverCommandId(payload, maxBytes: 4096));
    }

    [Fact]
    public void TryRecoverCommandId_IdAfterDamage_ReturnsNull()
    {
        Assert.Null(CommandDispatcher.TryRecoverCommandId(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("""{"a":[1,2,"commandId":"x"}"""))));
        Assert.Equal("x", CommandDispatcher.TryRecoverCommandId(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("""{"a":{"b":1},"commandId":"x","z":}"""))));
    }

    private CommandDispatcher Create(params ICommandHandler[] handlers)
    {
        var options = Options.Create(new AgentOptions { NodeId = Node });
        var identity = new AgentIdentity(options);
        return new CommandDispatcher(handlers, _sink, new NodeEventFactory(identity, TimeProvider.System), identity, TestSupport.NewMetrics(),
            new CommandFence(Path.Combine(Path.GetTempPath(), "edge-fence-unused-" + Guid.NewGuid().ToString("N")), TimeSpan.FromSeconds(30), TimeProvider.System), // never written: these commands carry no term
            NullLogger<CommandDispatcher>.Instance);
    }

    private static string Stop(string id, string node) =>
        Encoding.UTF8.GetString(PayloadCodec.Encode(
            new NodeCommand { CommandId = id, NodeId = node, Kind = CommandKind.Stop, IssuedAtMs = 1, Stop = new StopSpec("i-1") },
            EdgeJsonContext.Default.NodeCommand));

    private static MqttIncoming Message(string json) => new("edge/v1/nodes/node-a/commands", new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), false);

    private sealed class RecordingSink : INodeEventSink
    {
        public List<NodeEvent> Events { get; } = [];

        public ValueTask PublishAsync(NodeEvent nodeEvent, CancellationToken cancellationToken)
        {
            Events.Add(nodeEvent);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ThrowingHandler : ICommandHandler
    {
        public Task HandleAsync(NodeCommand command, CancellationToken cancellationToken) => throw new IOException("cgroup went away");
    }

    private sealed class RecordingHandler : ICommandHandler
    {
        public List<NodeCommand> Commands { get; } = [];

        public Task HandleAsync(NodeCommand command, CancellationToken cancellationToken)
        {
            Commands.Add(command);
            return Task.CompletedTask;
        }
    }
}
