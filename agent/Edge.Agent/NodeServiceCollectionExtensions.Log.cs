using Microsoft.Extensions.Logging;

namespace Edge.Agent;

internal static partial class NodeServiceCollectionExtensions
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Configuration key {Key} is deprecated; set {Replacement} instead")]
    private static partial void LogDeprecatedKey(ILogger logger, string key, string replacement);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Node capacity (advertised and enforced): {Capacity}")]
    private static partial void LogCapacity(ILogger logger, string capacity);
}
