using Edge.Controller.Ingest;
using Edge.Controller.Mqtt;

namespace Edge.Controller.Control;

/// <summary>Where <see cref="MqttCommandPublisher"/> hands a command: the controller's MQTT connection (<see cref="MqttLinkCommandChannel"/>).</summary>
internal interface ICommandChannel
{
    bool IsConnected { get; }

    /// <summary>Publishes at QoS 1; false when not connected or the broker refused it.</summary>
    Task<bool> PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken);

    /// <summary>Raised after every (re)connect.</summary>
    event Func<CancellationToken, Task>? Connected;
}

/// <summary>The controller's own MQTT connection as a command channel.</summary>
internal sealed class MqttLinkCommandChannel(ControllerMqttLink ingest) : ICommandChannel
{
    public bool IsConnected => ingest.IsConnected;

    public Task<bool> PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken) =>
        ingest.Connection.PublishAsync(topic, payload, retain: false, cancellationToken);

    public event Func<CancellationToken, Task>? Connected
    {
        add => ingest.Connected += value;
        remove => ingest.Connected -= value;
    }
}
