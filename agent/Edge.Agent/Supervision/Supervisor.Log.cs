using Edge.Common.Contracts;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Supervision;

internal sealed partial class Supervisor
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Instance {InstanceId} started as pid {Pid} ({Mode})")]
    private partial void LogStarted(string instanceId, int pid, string mode);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Command {CommandId} ({Kind}) rejected: {Reason}")]
    private partial void LogRejected(string commandId, CommandKind kind, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Command {CommandId} was already applied ({Outcome}); acknowledging again")]
    private partial void LogRedelivered(string commandId, CommandOutcome outcome);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Instance {InstanceId} could not be started")]
    private partial void LogStartFailed(Exception exception, string instanceId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Resizing instance {InstanceId} failed")]
    private partial void LogResizeFailed(Exception exception, string instanceId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Stopping instance {InstanceId} (grace {GraceMs} ms)")]
    private partial void LogStopping(string instanceId, int graceMs);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Instance {InstanceId} outlived its grace period of {GraceMs} ms; killing it")]
    private partial void LogGraceExpired(string instanceId, int graceMs);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Instance {InstanceId} exited with {ExitCode}")]
    private partial void LogExited(string instanceId, int? exitCode);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Instance {InstanceId}: {Kills} OOM kill(s)")]
    private partial void LogOomKilled(string instanceId, long kills);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Error, Message = "Group {Group} could not be removed")]
    private partial void LogGroupNotRemoved(Exception? exception, string group);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "Handling the exit of instance {InstanceId} failed")]
    private partial void LogExitHandlingFailed(Exception exception, string instanceId);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Adopted instance {InstanceId} (pid {Pid}) left running by a previous agent")]
    private partial void LogAdopted(string instanceId, int pid);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "Instance {InstanceId}: the kernel kept its memory limit above its usage ({Error}); killed it, as the resize allowed")]
    private partial void LogKilledByResize(string instanceId, string error);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Error, Message = "Instance directory {Directory} could not be removed")]
    private partial void LogDirectoryNotRemoved(Exception exception, string directory);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Warning, Message = "Supervisor:RunAsUser is root: instances run as root with the agent's capabilities")]
    private partial void LogInstancesRunAsRoot();

    [LoggerMessage(EventId = 3016, Level = LogLevel.Error, Message = "setpriv (util-linux) is not installed: every start command will be rejected")]
    private partial void LogNoSetpriv();

    [LoggerMessage(EventId = 3017, Level = LogLevel.Error, Message = "Applying the network cap of instance {InstanceId} failed")]
    private partial void LogNetworkResizeFailed(Exception exception, string instanceId);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Information, Message = "Instance {InstanceId} held at its network cap of {CapMbps} Mbps: tx dropped {TxDropped}, overlimits {TxOverlimits}; rx dropped {RxDropped}, overlimits {RxOverlimits}")]
    private partial void LogNetworkThrottled(string instanceId, double capMbps, long txDropped, long txOverlimits, long rxDropped, long rxOverlimits);

    [LoggerMessage(EventId = 3019, Level = LogLevel.Warning, Message = "Reading the token bucket counters of instance {InstanceId} failed: {Error}")]
    private partial void LogNetworkCountersFailed(string instanceId, string error);

    [LoggerMessage(EventId = 3040, Level = LogLevel.Error, Message = "Instance state file {File} does not parse at {Position}: {Error}; moved to {SetAsideAs}. Instances it listed are adopted only if their cgroups still hold processes")]
    private partial void LogStateFileCorrupt(string file, string position, string error, string setAsideAs);

    [LoggerMessage(EventId = 3041, Level = LogLevel.Error, Message = "Could not record an applied command id ({Error}); it is kept in memory, so a redelivery is still answered until the agent restarts")]
    private partial void LogAppliedLogWriteFailed(string error);

    [LoggerMessage(EventId = 3042, Level = LogLevel.Error, Message = "Could not write the instance state file {File} ({Error}); the instances keep running as they are and the file is written again on the next change or monitoring pass. An agent killed before then adopts the missing instances from their cgroups, without their metadata")]
    private partial void LogStateFileWriteFailed(string file, string error);

    [LoggerMessage(EventId = 3043, Level = LogLevel.Information, Message = "The instance state file {File} is written again ({Count} instances)")]
    private partial void LogStateFileCaughtUp(string file, int count);
}
