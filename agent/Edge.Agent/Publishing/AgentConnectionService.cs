using Edge.Agent.Commands;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Publishing;

/// <summary>
/// Connects the agent to the broker: subscribes to its commands topic, publishes the retained online status on every
/// connect, drains the spool while connected, and on shutdown publishes the offline status before disconnecting.
/// </summary>
internal sealed partial class AgentConnectionService : BackgroundService
{
    private static readonly TimeSpan OfflinePublishTimeout = TimeSpan.FromSeconds(3);
    private readonly AgentLink _link;
    private readonly SpooledPublisher _publisher;
    private readonly NodeStatusFactory _status;
    private readonly CommandDispatcher _commands;
    private readonly AgentIdentity _identity;
    private readonly ILogger _logger;

    public AgentConnectionService(AgentLink link, SpooledPublisher publisher, NodeStatusFactory status, CommandDispatcher commands, AgentIdentity identity, ILogger<AgentConnectionService> logger)
    {
        _link = link;
        _publisher = publisher;
        _status = status;
        _commands = commands;
        _identity = identity;
        _logger = logger;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var connection = _link.Connection;
        connection.Subscribe(_identity.Topics.NodeCommands(_identity.NodeId));
        connection.MessageHandler = _commands.HandleAsync;
        connection.Connected = OnConnectedAsync;
        connection.Start();
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var connection = _link.Connection;
        if (connection.IsConnected)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(OfflinePublishTimeout);
            try
            {
                if (!await connection.PublishAsync(_status.Topic, _status.Encode(online: false), retain: true, timeout.Token))
                {
                    LogOfflineStatusFailed();
                }
            }
            catch (OperationCanceledException)
            {
                LogOfflineStatusFailed();
            }
        }

        await connection.DisposeAsync();
        LogStopped(_publisher.Spooled);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _publisher.RunDrainAsync(stoppingToken);

    private async Task OnConnectedAsync(CancellationToken cancellationToken)
    {
        if (!await _link.Connection.PublishAsync(_status.Topic, _status.Encode(online: true), retain: true, cancellationToken))
        {
            LogOnlineStatusFailed();
        }

        _publisher.WakeDrain();
    }
}
