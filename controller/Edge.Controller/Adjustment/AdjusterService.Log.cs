namespace Edge.Controller.Adjustment;

internal sealed partial class AdjusterService
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "No room to scale up instance '{InstanceId}' on '{NodeId}': {Reason}")]
        public static partial void NoRoomToScaleUp(ILogger logger, string instanceId, string nodeId, string reason);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Migrated instance '{InstanceId}' from '{From}' to '{To}' to scale it up")]
        public static partial void Migrated(ILogger logger, string instanceId, string from, string to);

        [LoggerMessage(EventId = 5104, Level = LogLevel.Information, Message = "Instance '{InstanceId}' on '{NodeId}' held at its network cap of {CapMbps} Mbps: sent {TxMbps} Mbps (dropped {TxDropped}, overlimits {TxOverlimits}), received {RxMbps} Mbps (dropped {RxDropped}, overlimits {RxOverlimits})")]
        public static partial void NetworkThrottled(ILogger logger, string instanceId, string nodeId, double capMbps, double txMbps, double txDropped, double txOverlimits, double rxMbps, double rxDropped, double rxOverlimits);

        [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "Node '{NodeId}' refused to resize instance '{InstanceId}' ({Resource}): {Reason}")]
        public static partial void ResizeRefused(ILogger logger, string nodeId, string instanceId, string resource, string reason);

        [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "Could not handle an observation of instance '{InstanceId}'")]
        public static partial void HandlingFailed(ILogger logger, string instanceId, Exception exception);
    }
}
