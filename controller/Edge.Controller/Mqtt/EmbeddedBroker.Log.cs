namespace Edge.Controller.Mqtt;

internal sealed partial class EmbeddedBroker
{
    [LoggerMessage(3001, LogLevel.Information, "Embedded MQTT broker listening on {Address}:{Port} (plaintext) and {Tls} (TLS); {Nodes} node users known")]
    private partial void LogStarted(string address, int port, string tls, int nodes);

    [LoggerMessage(3002, LogLevel.Warning, "Refused MQTT connection of client {ClientId} as user {User} from {Remote}: bad username or password")]
    private partial void LogConnectRefused(string clientId, string user, string remote);

    [LoggerMessage(3003, LogLevel.Warning, "Refused publish of client {ClientId} (user {User}) to {Topic}: {Reason}")]
    private partial void LogPublishRefused(string clientId, string user, string topic, string reason);

    [LoggerMessage(3004, LogLevel.Warning, "Refused subscription of client {ClientId} (user {User}) to {Filter}: not authorized")]
    private partial void LogSubscribeRefused(string clientId, string user, string filter);

    [LoggerMessage(3005, LogLevel.Information, "Loaded {Count} retained messages from {Path}")]
    private partial void LogRetainedLoaded(int count, string path);

    [LoggerMessage(3006, LogLevel.Error, "Cannot load retained messages from {Path}: {Error}; starting without them")]
    private partial void LogRetainedLoadFailed(string path, string error);

    [LoggerMessage(3007, LogLevel.Error, "Cannot save retained messages to {Path}: {Error}")]
    private partial void LogRetainedSaveFailed(string path, string error);

    [LoggerMessage(3008, LogLevel.Warning, "Refused MQTT connection of client id {ClientId} as user {User} from {Remote}: {Reason}")]
    private partial void LogClientIdRefused(string clientId, string user, string remote, string reason);

    [LoggerMessage(3009, LogLevel.Warning, "Closed MQTT connection from {Remote}: a packet declared {Length} bytes, above the cap (Controller:Broker:MaxConnectPacketBytes before CONNECT, MaxPayloadBytes + 64 KiB after)")]
    private partial void LogOversizePacket(string remote, long length);

    [LoggerMessage(3010, LogLevel.Warning, "Cleared the retained flag of client {ClientId} (user {User}) on {Topic}: only node status is retained")]
    private partial void LogRetainStripped(string clientId, string user, string topic);

    [LoggerMessage(3011, LogLevel.Warning, "Did not queue a message on {Topic} for client {ClientId}: {Pending} bytes already queued (Controller:Broker:MaxPendingBytesPerClient)")]
    private partial void LogQueueFull(string clientId, string topic, long pending);
}
