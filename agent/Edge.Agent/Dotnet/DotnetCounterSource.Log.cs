using Microsoft.Extensions.Logging;

namespace Edge.Agent.Dotnet;

internal sealed partial class DotnetCounterSource
{
    [LoggerMessage(2501, LogLevel.Information, "Watching .NET runtime counters of process {Pid}")]
    private partial void LogWatching(int pid);

    [LoggerMessage(2502, LogLevel.Warning, "Process {Pid} refused an EventPipe session: {Error}; not retried while it runs")]
    private partial void LogSessionRefused(int pid, string error);

    [LoggerMessage(2503, LogLevel.Warning, "EventPipe session of process {Pid} failed: {Error}")]
    private partial void LogSessionFailed(int pid, string error);

    [LoggerMessage(2504, LogLevel.Information, "Stopped watching process {Pid} (exited)")]
    private partial void LogStopped(int pid);

    [LoggerMessage(2505, LogLevel.Warning, "Looking for .NET processes failed")]
    private partial void LogDiscoveryFailed(Exception exception);

    [LoggerMessage(2506, LogLevel.Warning, "Ignoring diagnostics socket {Path}: {Reason}")]
    private partial void LogSocketRefused(string path, string reason);
}
