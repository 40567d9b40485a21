using System.Threading.Channels;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Microsoft.Extensions.Logging;

namespace Edge.Benchmarks.Replay;

/// <summary>
/// A simulated agent: an MQTT client with the node's own credentials that announces a retained
/// <see cref="NodeStatus"/> (last will: offline), applies the controller's start, resize and stop commands (each command
/// id at most once, answered like the real agent's supervisor: CommandAccepted, InstanceStarted / InstanceResized /
/// InstanceExited, CommandCompleted, or CommandRejected with the reason), runs each instance as a
/// <see cref="SimulatedInstance"/> in compressed trace time, reports exits (InstanceOomKilled first, then
/// InstanceExited 137) and throttling, and publishes a metric batch of node and per-instance samples every sampling
/// interval. Commands and ticks are serialised by one gate, as the supervisor serialises commands and exits.
/// </summary>
internal sealed partial class SimulatedNode : IAsyncDisposable
{
    /// <summary>A Chameleon node of the traces: 48 cores, 131,795,960,000 bytes of memory, a 10 Gbit/s link (the traces give no link speed; Chameleon's compute nodes have 10 GbE).</summary>
    public static readonly ResourceQuantity Capacity = new(48_000, Math.Floor(TraceLoader.DefaultMachineMemoryBytes / (1024 * 1024)), 10_000);

    /// <summary>Illustrative on-demand prices per core-hour and GiB-hour (the ratio of a general-purpose cloud VM's list price).</summary>
    public static readonly NodePricing Pricing = new(PricingTier.OnDemand, 0.0316, 0.0042);

    private const int ThrottleEventIntervalMs = 10_000;

    private readonly ReplayOptions _options;
    private readonly TallyBook _tally;
    private readonly EdgeTopics _topics;
    private readonly ILogger _logger;
    private readonly MqttConnection _connection;
    private readonly Channel<NodeCommand> _commands = Channel.CreateUnbounded<NodeCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, SimulatedInstance> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (bool Rejected, string? InstanceId, string? Reason)> _applied = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long At, double Total)> _lastThrottleEvent = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sampledBefore = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _bootId = Guid.NewGuid().ToString("N");
    private Task[] _loops = [];
    private long _sequence;
    private readonly double? _followMargin;

    /// <summary>A simulated agent; <paramref name="followMargin"/> is the follow arm's margin (<see cref="ReplayArm.FollowMargin"/>), null for every other arm.</summary>
    public SimulatedNode(string nodeId, string brokerUrl, string password, ReplayOptions options, TallyBook tally, EdgeTopics topics, ILogger logger, double? followMargin = null)
    {
        _followMargin = followMargin;
        NodeId = nodeId;
        _options = options;
        _tally = tally;
        _topics = topics;
        _logger = logger;
        _connection = new MqttConnection(new MqttConnectionOptions
        {
            BrokerUrl = brokerUrl,
            ClientId = "agent-" + nodeId,
            Username = nodeId,
            Password = password,
            Will = new MqttWill(topics.NodeStatus(nodeId), PayloadCodec.Encode(Status(online: false), EdgeJsonContext.Default.NodeStatus)),
        }, logger, TimeProvider.System);
        _connection.Subscribe(topics.NodeCommands(nodeId));
        _connection.MessageHandler = OnMessageAsync;
        _connection.Connected = async ct =>
            await _connection.PublishAsync(topics.NodeStatus(nodeId), PayloadCodec.Encode(Status(online: true), EdgeJsonContext.Default.NodeStatus), retain: true, ct);
    }

    public string NodeId { get; }

    /// <summary>Events or batches the broker did not acknowledge (the real agent would spool them).</summary>
    public int PublishFailures { get; private set; }

    /// <summary>Commands that could not be decoded.</summary>
    public int BadCommands { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _connection.Start();
        await _connection.WaitConnectedAsync(cancellationToken);
        _loops = [Task.Run(() => CommandLoopAsync(_stopping.Token), CancellationToken.None), Task.Run(() => TickLoopAsync(_stopping.Token), CancellationToken.None)];
    }

    private NodeStatus Status(bool online) => new()
    {
        NodeId = NodeId,
        Online = online,
        TimestampMs = NowMs(),
        AgentVersion = "replay-sim",
        BootId = _bootId,
        CgroupMode = CgroupMode.V2,
        EnforcementMode = "cgroup-v2",
        Capacity = Capacity,
        Provider = "replay",
        Pricing = Pricing,
    };

    private Task OnMessageAsync(MqttIncoming message, CancellationToken cancellationToken)
    {
        var decoded = PayloadCodec.Decode(message.Payload, EdgeJsonContext.Default.NodeCommand);
        if (!decoded.Ok)
        {
            BadCommands++;
            LogBadCommand(NodeId, decoded.Message);
            return Task.CompletedTask;
        }

        _commands.Writer.TryWrite(decoded.Value);
        return Task.CompletedTask;
    }

    private async Task CommandLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var command in _commands.Reader.ReadAllAsync(cancellationToken))
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    await HandleAsync(command, cancellationToken);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task PublishAsync(NodeEvent e, CancellationToken cancellationToken)
    {
        if (!await _connection.PublishAsync(_topics.NodeEvents(NodeId), PayloadCodec.Encode(e, EdgeJsonContext.Default.NodeEvent), retain: false, cancellationToken))
        {
            PublishFailures++;
        }
    }

    private NodeEvent NewEvent(NodeEventKind kind, string? commandId, SimulatedInstance? instance, string? instanceId = null) => new()
    {
        NodeId = NodeId,
        EventId = Guid.NewGuid().ToString("N"),
        TimestampMs = NowMs(),
        Kind = kind,
        CommandId = commandId,
        InstanceId = instance?.InstanceId ?? instanceId,
        ComponentId = instance?.ComponentId,
        WorkflowRunId = instance?.RunId,
    };

    private static long NowMs() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Stops the loops and disconnects cleanly; instances still running are abandoned (the arm is over).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _commands.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _connection.DisposeAsync();
        _stopping.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning, Message = "OOM kill on {Node}: {Component} ({Instance}) peak {PeakMiB} MiB; started at {StartMiB} MiB, killed at {LimitMiB} MiB after {Resizes} resize(s); its memory ramp takes {RampWallS} s of wall time at full CPU, it ran {AliveWallS} s")]
    private partial void LogOomKill(string node, string component, string instance, double peakMiB, double startMiB, double limitMiB, int resizes, double rampWallS, double aliveWallS);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning, Message = "Simulated node {Node} got a command it cannot decode: {Error}")]
    private partial void LogBadCommand(string node, string error);
}
