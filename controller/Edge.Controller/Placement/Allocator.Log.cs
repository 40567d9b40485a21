using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

internal sealed partial class Allocator
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Invalid allocation request for '{ComponentId}': {Reason}")]
        public static partial void InvalidRequest(ILogger logger, string componentId, string reason);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Rejected an allocation of '{ComponentId}': {Reason}")]
        public static partial void Rejected(ILogger logger, string componentId, string reason);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Node '{NodeId}' was lost with {Count} active allocations; placing them again")]
        public static partial void NodeLost(ILogger logger, string nodeId, int count);

        [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Node '{NodeId}' runs instance '{InstanceId}', which the broker did not allocate; not adopting it")]
        public static partial void UnknownInstance(ILogger logger, string nodeId, string instanceId);

        [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Queued request '{AllocationId}' for '{ComponentId}' timed out after {WaitedSeconds:0.#}s")]
        public static partial void QueueTimeout(ILogger logger, string allocationId, string componentId, double waitedSeconds);

        [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "Could not publish a {Kind} command to node '{NodeId}'")]
        public static partial void CommandPublishFailed(ILogger logger, CommandKind kind, string nodeId, Exception exception);

        [LoggerMessage(EventId = 5007, Level = LogLevel.Error, Message = "Could not publish a {Kind} decision")]
        public static partial void DecisionPublishFailed(ILogger logger, DecisionKind kind, Exception exception);

        [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "Restored {Allocations} allocations and {Queued} queued requests from the store")]
        public static partial void Restored(ILogger logger, int allocations, int queued);

        [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Stopping instance '{InstanceId}' on node '{NodeId}': {Why}")]
        public static partial void StoppingStaleCopy(ILogger logger, string nodeId, string instanceId, string why);

        [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Node '{NodeId}' has not run allocated instance '{InstanceId}' for {MissingSeconds:0}s (its start was sent {StartSeconds:0}s ago); placing it again")]
        public static partial void ReplacingMissing(ILogger logger, string nodeId, string instanceId, double missingSeconds, double startSeconds);

        [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "Allocation '{AllocationId}' stays on node '{NodeId}' for now: the state store refused its re-placement, nothing changed; retried at the next check: {Error}")]
        public static partial void ReplaceNotStored(ILogger logger, string allocationId, string nodeId, string error);

        [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Ignored a status of node '{NodeId}': {Error}")]
        public static partial void InvalidNodeStatus(ILogger logger, string nodeId, string error);

        [LoggerMessage(EventId = 5030, Level = LogLevel.Warning, Message = "The forecast for '{ComponentId}' ({Cpu:0.#}m/{Memory:0.#}MiB) is larger than every node it can run on; placing it at {FittedCpu:0.#}m/{FittedMemory:0.#}MiB, the largest node's capacity")]
        public static partial void ForecastFittedToFleet(ILogger logger, string componentId, double cpu, double memory, double fittedCpu, double fittedMemory);
    }
}
