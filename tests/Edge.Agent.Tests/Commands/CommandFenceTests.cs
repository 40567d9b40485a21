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
using Microsoft.Extensions.Time.Testing;

namespace Edge.Agent.Tests.Commands;

/// <summary>The agent's refusal rules for fencing (docs/ha.md, "Fencing"), through the real dispatcher.</summary>
public sealed class CommandFenceTests : IDisposable
{
    private const string Node = "node-a";
    private readonly RecordingSink _sink = new();
    private readonly RecordingHandler _handler = new();
    private readonly TempDirectory _state = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task CurrentTermWithinExpiry_IsForwardedAndTheTermPersisted()
    {
        await Create().HandleAsync(Message(Stop("f-1", term: 3, expiresAtMs: Now + 60_000)), TestContext.Current.CancellationToken);

        Assert.Equal("f-1", Assert.Single(_handler.Commands).CommandId);
        Assert.Empty(_sink.Events);
        Assert.Equal("3", File.ReadAllText(_state.Combine(CommandFence.FileName)).Trim());
        Assert.Equal("0600", Edge.Agent.Cgroups.LibC.Stat(_state.Combine(CommandFence.FileName), followLinks: false)!.Value.Permissions);
    }

    [Fact]
    public async Task OlderTerm_IsRefusedNamingBothTermsAndTheInstance()
    {
        var dispatcher = Create();
        await dispatcher.HandleAsync(Message(Stop("f-2a", term: 5, expiresAtMs: Now + 60_000)), TestContext.Current.CancellationToken);

        await dispatcher.HandleAsync(Message(Stop("f-2b", term: 4, expiresAtMs: Now + 60_000)), TestContext.Current.CancellationToken);

        Assert.Equal(["f-2a"], _handler.Commands.Select(c => c.CommandId));
        var rejected = Assert.Single(_sink.Events);
        Assert.Equal((NodeEventKind.CommandRejected, "f-2b"), (rejected.Kind, rejected.CommandId));
        Assert.Contains("term 4", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("seen term 5", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("stop of instance 'i-1'", rejected.Reason, StringComparison.Ordinal);
        Assert.Null(rejected.InstanceId); // a refused stop must not read as a failed start to the workflow service
    }

    [Fact]
    public async Task PastExpiryBeyondTheSkew_IsRefusedNamingTheTimes()
    {
        // Expired 31 s ago with a tolerated skew of 30 s.
        await Create().HandleAsync(Message(Stop("f-3", term: 1, expiresAtMs: Now - 31_000)), TestContext.Current.CancellationToken);

        Assert.Empty(_handler.Commands);
        var reason = Assert.Single(_sink.Events).Reason!;
        Assert.Contains("expired", reason, StringComparison.Ordinal);
        Assert.Contains($"expiresAtMs {Now - 31_000}", reason, StringComparison.Ordinal);
        Assert.Contains("31000 ms later", reason, StringComparison.Ordinal);
        Assert.Contains("skew of 30000 ms", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PastExpiryWithinTheSkew_IsForwarded()
    {
        await Create().HandleAsync(Message(Stop("f-4", term: 1, expiresAtMs: Now - 29_000)), TestContext.Current.CancellationToken);

        Assert.Single(_handler.Commands);
        Assert.Empty(_sink.Events);
    }

    [Fact]
    public async Task NoTerm_BeforeAnyTermWasSeen_IsForwarded_AfterOne_IsRefused()
    {
        var dispatcher = Create();
        await dispatcher.HandleAsync(Message(Stop("f-5a")), TestContext.Current.CancellationToken);
        await dispatcher.HandleAsync(Message(Stop("f-5b", term: 2, expiresAtMs: Now + 1000)), TestContext.Current.CancellationToken);

        await dispatcher.HandleAsync(Message(Stop("f-5c")), TestContext.Current.CancellationToken);

        Assert.Equal(["f-5a", "f-5b"], _handler.Commands.Select(c => c.CommandId));
        var rejected = Assert.Single(_sink.Events);
        Assert.Equal("f-5c", rejected.CommandId);
        Assert.Contains("no term", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("seen term 2", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TermWithoutExpiry_IsRefused()
    {
        await Create().HandleAsync(Message(Stop("f-6", term: 1)), TestContext.Current.CancellationToken);

        Assert.Empty(_handler.Commands);
        Assert.Contains("term 1 carries no expiresAtMs", Assert.Single(_sink.Events).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZeroOrNegativeTerm_IsRefused()
    {
        await Create().HandleAsync(Message(Stop("f-6b", term: -3, expiresAtMs: Now + 1000)), TestContext.Current.CancellationToken);

        Assert.Empty(_handler.Commands);
        Assert.Contains("term -3 is not a positive number", Assert.Single(_sink.Events).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HighestTerm_SurvivesARestart()
    {
        await Create().HandleAsync(Message(Stop("f-7a", term: 9, expiresAtMs: Now + 60_000)), TestContext.Current.CancellationToken);

        // A new agent process on the same state directory: term 8 (a controller whose term file was rolled back) is refused.
        var restarted = Create();
        await restarted.HandleAsync(Message(Stop("f-7b", term: 8, expiresAtMs: Now + 60_000)), TestContext.Current.CancellationToken);
        await restarted.HandleAsync(Message(Stop("f-7c", term: 9, expiresAtMs: Now + 60_000)), TestContext.Current.CancellationToken);

        Assert.Equal(["f-7a", "f-7c"], _handler.Commands.Select(c => c.CommandId));
        var rejected = Assert.Single(_sink.Events);
        Assert.Equal("f-7b", rejected.CommandId);
        Assert.Contains("seen term 9", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewerTermOnAnExpiredCommand_IsStillRecorded()
    {
        var dispatcher = Create();
        await dispatcher.HandleAsync(Message(Stop("f-8a", term: 4, expiresAtMs: Now - 120_000)), TestContext.Current.CancellationToken);

        await dispatcher.HandleAsync(Message(Stop("f-8b", term: 3, expiresAtMs: Now + 60_000)), TestContext.Current.CancellationToken);

        Assert.Empty(_handler.Commands);
        Assert.Equal(["f-8a", "f-8b"], _sink.Events.Select(e => e.CommandId));
        Assert.Contains("seen term 4", _sink.Events[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiryBeforeIssue_IsRefused()
    {
        const string payload = """{"schemaVersion":1,"commandId":"f-9","nodeId":"node-a","kind":"stop","issuedAtMs":2000,"term":1,"expiresAtMs":1000,"stop":{"instanceId":"i"}}""";

        await Create().HandleAsync(Message(payload), TestContext.Current.CancellationToken);

        Assert.Empty(_handler.Commands);
        Assert.Contains("expiresAtMs 1000 is before issuedAtMs 2000", Assert.Single(_sink.Events).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DamagedTermFile_FailsLoudlyNamingTheFileAndItsContent()
    {
        File.WriteAllText(_state.Combine(CommandFence.FileName), "seven\n");

        var error = Assert.Throws<InvalidDataException>(() => new CommandFence(_state.Path, TimeSpan.FromSeconds(30), _time));

        Assert.Contains(_state.Combine(CommandFence.FileName), error.Message, StringComparison.Ordinal);
        Assert.Contains("'seven'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnwritableTermFile_RefusesTheCommandNamingTheFile()
    {
        // A regular file where the state directory should be: the term cannot be recorded, so nothing is acted on.
        var blocked = _state.Combine("not-a-directory");
        File.WriteAllText(blocked, "");
        var dispatcher = Create(new CommandFence(blocked, TimeSpan.FromSeconds(30), _time));

        await dispatcher.HandleAsync(Message(Stop("f-10", term: 2, expiresAtMs: Now + 1000)), TestContext.Current.CancellationToken);

        Assert.Empty(_handler.Commands);
        Assert.Contains($"term 2 could not be recorded in {Path.Combine(blocked, CommandFence.FileName)}", Assert.Single(_sink.Events).Reason, StringComparison.Ordinal);
    }

    private CommandDispatcher Create(CommandFence? fence = null)
    {
        var identity = new AgentIdentity(Options.Create(new AgentOptions { NodeId = Node }));
        return new CommandDispatcher([_handler], _sink, new NodeEventFactory(identity, _time), identity, TestSupport.NewMetrics(),
            fence ?? new CommandFence(_state.Path, TimeSpan.FromSeconds(30), _time), NullLogger<CommandDispatcher>.Instance);
    }

    private static string Stop(string id, long? term = null, long? expiresAtMs = null) =>
        Encoding.UTF8.GetString(PayloadCodec.Encode(
            new NodeCommand { CommandId = id, NodeId = Node, Kind = CommandKind.Stop, IssuedAtMs = 1, Term = term, ExpiresAtMs = expiresAtMs, Stop = new StopSpec("i-1") },
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
