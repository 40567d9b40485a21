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

/// <summary>
/// Inputs the fuzzer (tests/Edge.Benchmarks fuzz, target agent-commands) found escaping the dispatcher as an
/// exception: a command id that is not valid UTF-8, or an escaped lone surrogate, in a payload that does not decode.
/// The command must be refused (counted, logged) without throwing, nothing forwarded.
/// </summary>
public sealed class CommandDispatcherFuzzRegressionTests
{
    private const string Node = "node-a";

    public static TheoryData<string> BadIdPayloads => new()
    {
        // "FU" 0xDA "ZID": a byte that starts a two-byte UTF-8 sequence followed by ASCII (found as crash agent-commands-46d93af5e367).
        "7b22736368656d6156657273696f6e223a312c22636f6d6d616e644964223a224655da5a4944222c226b696e64223a22737461727422",
        // "commandId":"FU83D\uDE00" then a number where a string belongs: an escaped lone low surrogate (crash agent-commands-981e03253de5).
        Convert.ToHexString(Encoding.UTF8.GetBytes("""{"schemaVersion":1,"commandId":"FU83D\uDE00","kind":"resize","issuedAtMs":"commandAccepted"}""")),
    };

    [Theory]
    [MemberData(nameof(BadIdPayloads))]
    public async Task HandleAsync_UndecodableCommandIdText_RefusedWithoutThrowing(string hex)
    {
        var sink = new RecordingSink();
        var handler = new RecordingHandler();
        var dispatcher = Create(sink, handler);
        var payload = new ReadOnlySequence<byte>(Convert.FromHexString(hex));

        var exception = await Record.ExceptionAsync(() => dispatcher.HandleAsync(new MqttIncoming("edge/v1/nodes/node-a/commands", payload, false), TestContext.Current.CancellationToken));

        Assert.Null(exception);
        Assert.Empty(handler.Commands);
        Assert.Empty(sink.Events); // no id could be read, so there is no one to answer
        Assert.Null(CommandDispatcher.TryRecoverCommandId(payload));
    }

    private static CommandDispatcher Create(RecordingSink sink, RecordingHandler handler)
    {
        var identity = new AgentIdentity(Options.Create(new AgentOptions { NodeId = Node }));
        return new CommandDispatcher([handler], sink, new NodeEventFactory(identity, TimeProvider.System), identity, TestSupport.NewMetrics(),
            new CommandFence(Path.Combine(Path.GetTempPath(), "edge-fence-unused-" + Guid.NewGuid().ToString("N")), TimeSpan.FromSeconds(30), TimeProvider.System), // never written: these payloads carry no term
            NullLogger<CommandDispatcher>.Instance);
    }

    private sealed class RecordingSink : INodeEventSink
    {
        public List<NodeEvent> Events { get; } = [];

        public ValueTask PublishAsync(NodeEvent nodeEvent, CancellationToken cancellationToken)
        {
            Events.Add(nodeEvent);
            return ValueTask.CompletedTask;
        }
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
