using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Edge.Agent;
using Edge.Agent.Cgroups;
using Edge.Agent.Commands;
using Edge.Agent.Configuration;
using Edge.Agent.Publishing;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// <c>nodes/{node}/commands</c> as the agent runs it: the real <see cref="CommandDispatcher"/> (decode, envelope
/// checks) forwarding to a real <see cref="Supervisor"/> (applied-command log on disk, <see cref="CommandValidator"/>,
/// start/resize/stop). Nothing is ever started: the allow-list names one path that does not exist, and enforcement
/// is "rlimit" so no cgroup is touched. The events the agent would publish are the outcome.
/// </summary>
internal sealed class AgentCommandTarget : IFuzzTarget
{
    private const string Node = "fuzz-node";
    private const string AllowedButMissing = "/nonexistent-edge-fuzz/bin/allowed";

    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "edge-fuzz-agent-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ErrorLogCapture _errors = new();
    private readonly ILoggerFactory _loggers;
    private readonly RecordingSink _sink = new();
    private readonly Supervisor _supervisor;
    private readonly CommandDispatcher _dispatcher;
    private readonly string _topic;
    private long _sequence;

    public AgentCommandTarget()
    {
        _loggers = LoggerFactory.Create(b => b.AddProvider(_errors).SetMinimumLevel(LogLevel.Warning));
        var meterFactory = _meters.GetRequiredService<IMeterFactory>();
        var options = new SupervisorOptions
        {
            CgroupParent = "edge-fuzz-" + Guid.NewGuid().ToString("N")[..8],
            Enforcement = EnforcementModes.Rlimit,
            StateDirectory = _stateDirectory,
            AllowedExecutables = [AllowedButMissing],
            AppliedCommandsToKeep = 1000,
        };
        var driver = CgroupDriverFactory.Create(options.Enforcement, options.CgroupParent, CgroupLayout.Detect(), null, LibC.IsRoot, out _);
        _supervisor = new Supervisor(options, driver, _sink, new NodeCapacity(4000, 8192), Node, new SupervisorMetrics(meterFactory), TimeProvider.System, _loggers.CreateLogger<Supervisor>());
        var identity = new AgentIdentity(Microsoft.Extensions.Options.Options.Create(new AgentOptions { NodeId = Node }));
        _topic = identity.Topics.NodeCommands(Node);
        _dispatcher = new CommandDispatcher([_supervisor], _sink, new NodeEventFactory(identity, TimeProvider.System), identity, new AgentMetrics(meterFactory), new CommandFence(_stateDirectory, TimeSpan.FromSeconds(30), TimeProvider.System), _loggers.CreateLogger<CommandDispatcher>());
        Seeds = FuzzSeeds.Commands(Node, AllowedButMissing);
    }

    public string Name => "agent-commands";

    public string Description => "agent: CommandDispatcher.HandleAsync -> Supervisor (decode, CommandValidator, applied-command log; allow-list matches nothing)";

    public IReadOnlyList<byte[]> Seeds { get; }

    public async Task<FuzzOutcome> ExecuteAsync(byte[] input, CancellationToken cancellationToken)
    {
        _sink.Clear();
        var before = _errors.Total;
        try
        {
            await _dispatcher.HandleAsync(new MqttIncoming(_topic, new ReadOnlySequence<byte>(FreshCommandId(input)), false), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return FuzzOutcome.Crashed("exception", ex.ToString());
        }

        if (_errors.Total != before)
        {
            return FuzzOutcome.Crashed("error-logged", _errors.Take() ?? "(error entry dropped)");
        }

        var events = _sink.Drain();
        if (events.Count == 0)
        {
            return new("no answer (no command id to answer)");
        }

        return new(string.Join(" | ", events.Select(e => OutcomeClass.Of(e.Kind.ToString(), e.Reason))));
    }

    public string? TakeBackgroundFailure() => _errors.Take();

    public async ValueTask DisposeAsync()
    {
        await _supervisor.DisposeAsync();
        _loggers.Dispose();
        await _meters.DisposeAsync();
        Directory.Delete(_stateDirectory, recursive: true);
    }

    /// <summary>
    /// Replaces the seed's command id placeholder with a fresh id: the supervisor answers a command id it has seen
    /// before from its applied-command log, so without this nearly every input would stop at "redelivered".
    /// </summary>
    private byte[] FreshCommandId(byte[] input)
    {
        var token = Encoding.UTF8.GetBytes(FuzzSeeds.CommandIdToken);
        var at = input.AsSpan().IndexOf(token);
        if (at < 0)
        {
            return input;
        }

        var id = Encoding.UTF8.GetBytes($"c{Interlocked.Increment(ref _sequence):D5}");
        return [.. input.AsSpan(0, at), .. id, .. input.AsSpan(at + token.Length)];
    }

    /// <summary>Stands in for the MQTT publisher only: keeps the events the agent would have sent to the controller.</summary>
    private sealed class RecordingSink : INodeEventSink
    {
        private readonly ConcurrentQueue<NodeEvent> _events = new();

        public ValueTask PublishAsync(NodeEvent nodeEvent, CancellationToken cancellationToken)
        {
            if (_events.Count < 64)
            {
                _events.Enqueue(nodeEvent);
            }

            return ValueTask.CompletedTask;
        }

        public void Clear() => _events.Clear();

        public List<NodeEvent> Drain()
        {
            var drained = new List<NodeEvent>();
            while (_events.TryDequeue(out var e))
            {
                drained.Add(e);
            }

            return drained;
        }
    }
}
