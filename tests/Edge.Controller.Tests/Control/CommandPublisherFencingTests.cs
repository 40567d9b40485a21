using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Edge.Common.Contracts;
using Edge.Controller.Control;
using Edge.Controller.Leadership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Controller.Tests.Control;

/// <summary>
/// A deposed leader sends nothing more: every command is bound to the leadership token of the term it was stamped
/// in, and once that token is cancelled (lease lost, cut off from etcd, stopping) it is not handed to MQTT, not even
/// while <see cref="ILeadership.IsLeader"/> still reads true or while the MQTT client holds it (docs/ha.md, "Fencing").
/// </summary>
public sealed class CommandPublisherFencingTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));
    private readonly CancellationTokenSource _lease = new();
    private readonly Channel _channel = new();
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _dropped = new();
    private readonly MqttCommandPublisher _publisher;

    public CommandPublisherFencingTests()
    {
        var leadership = new LaggingLeadership(_lease.Token);
        var meterFactory = _meters.GetRequiredService<IMeterFactory>();
        var stamper = new CommandStamper(leadership, Microsoft.Extensions.Options.Options.Create(new CommandOptions()), _time, meterFactory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "edge.commands.dropped" && instrument.Meter.Scope == meterFactory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    _dropped.AddOrUpdate((string)tag.Value!, value, (_, total) => total + value);
                }
            }
        });
        _listener.Start();
        _publisher = new MqttCommandPublisher(_channel, new EdgeTopics(), stamper, NullLogger<MqttCommandPublisher>.Instance);
    }

    [Fact]
    public async Task LeaseTokenCancelled_NothingIsSent_EvenWhileIsLeaderStillReadsTrue()
    {
        await _publisher.PublishAsync(Stop("c-1"), Ct);
        Assert.Equal(["c-1"], _channel.Sent);

        await _lease.CancelAsync();
        await _publisher.PublishAsync(Stop("c-2"), Ct);

        Assert.Equal(["c-1"], _channel.Sent);
        Assert.Equal(1, _dropped.GetValueOrDefault("not-leader"));
    }

    [Fact]
    public async Task QueuedWhileDisconnected_LeaseTokenCancelled_DroppedOnReconnectNotSent()
    {
        _channel.Connected = false;
        await _publisher.PublishAsync(Stop("c-1"), Ct);
        await _publisher.PublishAsync(Stop("c-2"), Ct);
        Assert.Equal(2, _publisher.Pending);

        await _lease.CancelAsync();
        _channel.Connected = true;
        await _channel.RaiseConnectedAsync(Ct);

        Assert.Empty(_channel.Sent);
        Assert.Equal(0, _publisher.Pending);
        Assert.Equal(2, _dropped.GetValueOrDefault("deposed"));
    }

    [Fact]
    public async Task LeaseTokenCancelledWhileTheMqttClientHoldsTheCommand_ItIsAbandonedAndTheRestDropped()
    {
        _channel.Hold = true;
        var first = _publisher.PublishAsync(Stop("c-1"), Ct);
        await Poll.UntilAsync(() => _channel.Holding, "the MQTT client holds the first command");
        var second = _publisher.PublishAsync(Stop("c-2"), Ct);

        await _lease.CancelAsync();
        await first.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await second.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Empty(_channel.Sent);
        Assert.Equal(0, _publisher.Pending);
        Assert.Equal(2, _dropped.GetValueOrDefault("deposed"));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meters.Dispose();
        _lease.Dispose();
    }

    private NodeCommand Stop(string id) => new()
    {
        CommandId = id,
        NodeId = "n1",
        Kind = CommandKind.Stop,
        IssuedAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        Stop = new StopSpec("i-1"),
    };

    /// <summary>
    /// Leads in term 7 with a lease token; <see cref="IsLeader"/> is a flag of its own, as a loop that notices the lost
    /// lease only on its next turn would keep it, so only the token tells that the lead has ended.
    /// </summary>
    private sealed class LaggingLeadership(CancellationToken token) : ILeadership
    {
        public bool IsLeader => true;

        public long Term => 7;

        public CancellationToken LeadingToken => token;

#pragma warning disable CS0067 // not raised in these tests
        public event Action<LeadershipChange>? Changed;
#pragma warning restore CS0067
    }

    /// <summary>Records what would reach the MQTT broker; can be disconnected, or hold a publish until it is cancelled.</summary>
    private sealed class Channel : ICommandChannel
    {
        private volatile bool _holding;

        public bool Connected { get; set; } = true;

        public bool Hold { get; set; }

        public bool Holding => _holding;

        public ConcurrentQueue<string> Sent { get; } = new();

        public bool IsConnected => Connected;

        public event Func<CancellationToken, Task>? ConnectedEvent;

        event Func<CancellationToken, Task>? ICommandChannel.Connected
        {
            add => ConnectedEvent += value;
            remove => ConnectedEvent -= value;
        }

        public Task RaiseConnectedAsync(CancellationToken cancellationToken) => ConnectedEvent!(cancellationToken);

        public async Task<bool> PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken)
        {
            if (Hold)
            {
                _holding = true;
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            var command = PayloadCodec.Decode(payload, EdgeJsonContext.Default.NodeCommand).Value!;
            Sent.Enqueue(command.CommandId);
            return true;
        }
    }
}
