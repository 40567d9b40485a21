using Microsoft.Extensions.Logging;

namespace Edge.Common.Messaging;

public sealed partial class MqttConnection
{
    [LoggerMessage(1001, LogLevel.Information, "Connected to MQTT broker {Broker} as {ClientId} (session present: {SessionPresent})")]
    private partial void LogConnected(string broker, string clientId, bool sessionPresent);

    [LoggerMessage(1002, LogLevel.Error, "MQTT broker {Broker} refused client {ClientId}: {ResultCode} {Reason}")]
    private partial void LogConnectRefused(string broker, string clientId, string resultCode, string? reason);

    [LoggerMessage(1003, LogLevel.Warning, "Cannot connect to MQTT broker {Broker}: {Error}; retrying")]
    private partial void LogConnectFailed(string broker, string error);

    [LoggerMessage(1004, LogLevel.Warning, "Disconnected from MQTT broker {Broker}: {Reason} {Error}; reconnecting")]
    private partial void LogDisconnected(string broker, string reason, string? error);

    [LoggerMessage(1005, LogLevel.Error, "MQTT broker refused subscription to {Filter}: {ResultCode}")]
    private partial void LogSubscribeRefused(string filter, string resultCode);

    [LoggerMessage(1006, LogLevel.Warning, "MQTT broker refused publish to {Topic}: {ReasonCode} {Reason}")]
    private partial void LogPublishRefused(string topic, string reasonCode, string? reason);

    [LoggerMessage(1007, LogLevel.Warning, "Publish to {Topic} failed: {Error}")]
    private partial void LogPublishFailed(string topic, string error);

    [LoggerMessage(1008, LogLevel.Error, "Handler for a message on {Topic} failed")]
    private partial void LogHandlerFailed(string topic, Exception exception);

    [LoggerMessage(1009, LogLevel.Debug, "Clean disconnect failed: {Error}")]
    private partial void LogDisconnectFailed(string error);
}
