using Edge.Agent.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

internal sealed partial class Supervisor
{
    private const int AdoptedGraceMs = 10_000;

    /// <summary>
    /// At start: takes over instances a previous agent left running (from the state file, then any other group
    /// under the parent that still holds processes), reports those that ended meanwhile, removes empty groups.
    /// </summary>
    public async Task AdoptAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var loaded = _stateStore.Load();
            if (loaded.Corrupt is { } corrupt)
            {
                // Not silently an empty list: said, counted, the file kept; groups still holding processes are adopted below.
                _metrics.StateFileCorrupt.Add(1);
                LogStateFileCorrupt(corrupt.File, corrupt.Position, corrupt.Error, corrupt.SetAsideAs);
            }

            foreach (var state in loaded.Instances)
            {
                await AdoptOrReportAsync(state, cancellationToken);
            }

            foreach (var group in _driver.ListGroups())
            {
                if (!_instances.Values.Any(i => i.Name == group) && group.StartsWith(GroupPrefix, StringComparison.Ordinal))
                {
                    await AdoptUnknownAsync(group, cancellationToken);
                }
            }

            try
            {
                _output.Sweep(_instances.Keys.ToList());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _metrics.Errors.Add(1);
                LogDirectoryNotRemoved(e, _output.Root);
            }

            try
            {
                _directories.RemoveAllBut(_instances.Values.Select(i => i.Name));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _metrics.Errors.Add(1);
                LogDirectoryNotRemoved(e, _directories.Root);
            }

            SaveState();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task AdoptOrReportAsync(InstanceState state, CancellationToken cancellationToken)
    {
        if (_instances.ContainsKey(state.InstanceId))
        {
            return;
        }

        if (_driver.CgroupMode == CgroupMode.None && InstanceLauncher.IsRunning(state.Pid))
        {
            _driver.Create(state.GroupName);
            _driver.Attach(state.GroupName, state.Pid);
        }

        var pids = _driver.Exists(state.GroupName) ? _driver.ReadPids(state.GroupName) : [];
        if (pids.Count == 0)
        {
            await RemoveGroupAsync(state.GroupName, cancellationToken);
            RemoveDirectory(state.GroupName);
            await TearDownNetworkAsync(NetworkOf(state));
            if (_output.Has(state.InstanceId))
            {
                _output.Finish(state.InstanceId, $"{_time.GetUtcNow():O}: the instance ended while the agent was not running; output it wrote after the last agent stopped is lost");
            }

            await PublishAsync(InstanceEvent(NodeEventKind.InstanceExited, state) with
            {
                Pid = state.Pid,
                Reason = "ended while the agent was not running; exit code unknown",
                Values = new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    ["duration_s"] = Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - state.StartedAtMs) / 1000.0,
                },
            }, cancellationToken);
            return;
        }

        await AdoptAsync(state with { Pid = pids.Contains(state.Pid) ? state.Pid : pids[0] }, cancellationToken);
    }

    private async Task AdoptUnknownAsync(string group, CancellationToken cancellationToken)
    {
        var pids = _driver.ReadPids(group);
        if (pids.Count == 0)
        {
            await RemoveGroupAsync(group, cancellationToken);
            return;
        }

        var stats = _driver.ReadStats(group);
        var state = new InstanceState
        {
            InstanceId = group[GroupPrefix.Length..],
            ComponentId = "unknown",
            GroupName = group,
            Pid = pids[0],
            Limits = new InstanceLimits(
                stats?.CpuLimitMillicores ?? _validator.Capacity.Millicores,
                stats?.MemoryLimitBytes is { } bytes ? CgroupLimitFormat.BytesToMiB(bytes) : _validator.Capacity.MemoryMiB),
            GracePeriodMs = AdoptedGraceMs,
            Uid = DynamicUserAllocator.ProcessUid(pids[0]),
            Gid = DynamicUserAllocator.ProcessUid(pids[0]),
            StartedAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await AdoptAsync(state, cancellationToken);
    }

    private async Task AdoptAsync(InstanceState state, CancellationToken cancellationToken)
    {
        var stats = _driver.ReadStats(state.GroupName);
        var instance = new RunningInstance(state, process: null, NetworkOf(state))
        {
            LastStats = stats,
            OomKillsReported = stats?.OomKills ?? 0,
            ThrottledPeriodsReported = stats?.ThrottledPeriods ?? 0,
            ThrottledUsecReported = stats?.ThrottledUsec ?? 0,
        };
        _instances[state.InstanceId] = instance;
        _output.Reattach(state.InstanceId);
        LogAdopted(state.InstanceId, state.Pid);
        await PublishAsync(InstanceEvent(NodeEventKind.InstanceAdopted, state) with
        {
            Pid = state.Pid,
            NewLimits = ToQuantity(state.Limits),
        }, cancellationToken);
        RunInBackground(() => WatchAsync(instance));
    }
}
