namespace Edge.Controller.Mqtt;

internal sealed partial class EmbeddedBroker
{
    [LoggerMessage(3001, LogLevel.Information, "Embedded MQTT broker listening on {Address}:{Port} (TLS port {TlsPort}); {Nodes} node users known")]
    private partial void LogStarted(string address, int port, int? tlsPort, int nodes);

    [LoggerMessage(3002, LogLevel.Warning, "Refused MQTT connection of client {ClientId} as user {User} from {Remote}: bad username or password")]
    private partial void LogConnectRefused(string clientId, string user, string remote);

    [LoggerMessage(3003, LogLevel.Warning, "Refused publish of client {ClientId} (user {User}) to {Topic}: not authorized")]
    private partial void LogPublishRefused(string clientId, string user, string topic);

    [LoggerMessage(3004, LogLevel.Warning, "Refused subscription of client {ClientId} (user {User}) to {Filter}: not authorized")]
    private partial void LogSubscribeRefused(string clientId, string user, string filter);

    [LoggerMessage(3005, LogLevel.Information, "Loaded {Count} retained messages from {Path}")]
    private partial void LogRetainedLoaded(int count, string path);

    [LoggerMessage(3006, LogLevel.Error, "Cannot load retained messages from {Path}: {Error}; starting without them")]
    private partial void LogRetainedLoadFailed(string path, string error);

    [LoggerMessage(3007, LogLevel.Error, "Cannot save retained messages to {Path}: {Error}")]
    private partial void LogRetainedSaveFailed(string path, string error);
}
