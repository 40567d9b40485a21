using System.Globalization;
using Edge.Agent.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

internal sealed partial class Supervisor
{
    private const int ExitKilled = 137;

    private async Task WatchAsync(RunningInstance instance)
    {
        var cancellationToken = _shutdown.Token;
        int? exitCode = null;
        try
        {
            if (instance.Process is { } process)
            {
                await process.WaitForExitAsync(cancellationToken);
                exitCode = process.ExitCode;
            }
            else
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.MonitorIntervalMs), _time);
                while (InstanceLauncher.IsRunning(instance.Pid))
                {
                    await timer.WaitForNextTickAsync(cancellationToken);
                }
            }

            await _gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            await HandleExitAsync(instance, exitCode, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _metrics.Errors.Add(1);
            LogExitHandlingFailed(e, instance.State.InstanceId);
        }
        finally
        {
            instance.Exited.TrySetResult();
            instance.Process?.Dispose();
            _gate.Release();
        }
    }

    private async Task HandleExitAsync(RunningInstance instance, int? exitCode, CancellationToken cancellationToken)
    {
        var state = instance.State;
        var stats = _driver.ReadStats(instance.Name) ?? instance.LastStats;
        await ReportOomAsync(instance, stats, exitCode, cancellationToken);
        await RemoveGroupAsync(instance.Name, cancellationToken);
        RemoveDirectory(instance.Name);
        await TearDownNetworkAsync(instance.Network);
        _output.Finish(state.InstanceId);
        _instances.TryRemove(state.InstanceId, out _);
        SaveState();
        _metrics.Exits.Add(1);

        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["duration_s"] = Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - state.StartedAtMs) / 1000.0,
        };
        if (stats is not null)
        {
            values["cpu_seconds"] = stats.CpuUsageUsec / 1e6;
            values["peak_memory_mib"] = CgroupLimitFormat.BytesToMiB(stats.MemoryPeakBytes ?? stats.MemoryCurrentBytes);
        }

        LogExited(state.InstanceId, exitCode);
        await PublishAsync(InstanceEvent(NodeEventKind.InstanceExited, state) with
        {
            Pid = state.Pid,
            ExitCode = exitCode,
            Values = values,
            Reason = exitCode is null ? "exit code unknown: the instance was adopted after an agent restart" : null,
        }, cancellationToken);
        foreach (var stopCommandId in instance.StopCommandIds)
        {
            await CompleteAsync(stopCommandId, state.InstanceId, cancellationToken);
        }
    }

    private async Task ReportOomAsync(RunningInstance instance, CgroupStats? stats, int? exitCode, CancellationToken cancellationToken)
    {
        var limit = instance.State.Limits.MemoryMiB.ToString(CultureInfo.InvariantCulture);
        string? reason = null;
        var kills = 0L;
        if (instance.LimitKillReason is { } limitKill)
        {
            kills = 1;
            reason = limitKill;
        }
        else if (stats is not null && stats.OomKills > instance.OomKillsReported)
        {
            kills = stats.OomKills - instance.OomKillsReported;
            instance.OomKillsReported = stats.OomKills;
            reason = $"memory limit of {limit} MiB reached: the kernel OOM-killed {kills} process(es)";
        }
        else if (exitCode == ExitKilled && !instance.KillSent && instance.OomKillsReported == 0 && _driver.CgroupMode != CgroupMode.None)
        {
            kills = 1;
            reason = $"exited with 137 (SIGKILL) not sent by the agent, under a memory limit of {limit} MiB";
        }

        if (reason is null)
        {
            return;
        }

        _metrics.OomKills.Add(kills);
        LogOomKilled(instance.State.InstanceId, kills);
        await PublishAsync(InstanceEvent(NodeEventKind.InstanceOomKilled, instance.State) with
        {
            Pid = instance.Pid,
            ExitCode = exitCode,
            Reason = reason,
            Values = new Dictionary<string, double>(StringComparer.Ordinal) { ["oom_kills"] = kills },
        }, cancellationToken);
    }

    /// <summary>Kills whatever is left in the group, waits for it to empty, then removes it.</summary>
    private async Task RemoveGroupAsync(string name, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var pids = _driver.ReadPids(name);
            if (pids.Count == 0)
            {
                try
                {
                    _driver.Remove(name);
                    return;
                }
                catch (IOException) when (_time.GetElapsedTime(started).TotalMilliseconds < _options.CleanupTimeoutMs)
                {
                    // The kernel may still be tearing down the last task; retry below.
                }
                catch (IOException e)
                {
                    _metrics.Errors.Add(1);
                    LogGroupNotRemoved(e, name);
                    return;
                }
            }

            foreach (var pid in pids)
            {
                LibC.Kill(pid, LibC.SigKill);
            }

            if (_time.GetElapsedTime(started).TotalMilliseconds > _options.CleanupTimeoutMs)
            {
                _metrics.Errors.Add(1);
                LogGroupNotRemoved(null, name);
                return;
            }

            await Task.Delay(10, cancellationToken);
        }
    }
}
