using System.Globalization;
using Edge.Agent.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

internal sealed partial class Supervisor
{
    private async Task ResizeAsync(NodeCommand command, ResizeSpec spec, CancellationToken cancellationToken)
    {
        if (!_instances.TryGetValue(spec.InstanceId, out var instance))
        {
            await RejectAsync(command, spec.InstanceId, $"unknown instance '{spec.InstanceId}'", cancellationToken);
            return;
        }

        var error = _validator.ValidateLimits(spec.Limits) ?? CheckAgainstUsage(instance, spec);
        if (error is not null)
        {
            await RejectAsync(command, spec.InstanceId, error, cancellationToken, instance.State.Limits, spec.Limits);
            return;
        }

        var old = instance.State.Limits;
        var started = _time.GetTimestamp();
        IReadOnlyList<string> notEnforced;
        try
        {
            notEnforced = _driver.ApplyLimits(instance.Name, spec.Limits);
            if (instance.Network is { } network && spec.Limits.NetworkMbps != old.NetworkMbps)
            {
                if (await TrySetNetworkAsync(instance, network, old, spec.Limits, cancellationToken) is { } refused)
                {
                    await RejectAsync(command, spec.InstanceId, refused, cancellationToken, old, spec.Limits);
                    return;
                }
            }
            else if (instance.Network is null && spec.Limits.NetworkMbps is { } mbps)
            {
                notEnforced = [.. notEnforced, $"network {F(mbps)} Mbps: {NetworkNotEnforced}"];
            }
        }
        catch (IOException e) when (spec.AllowKill && BelowUsage(instance, spec.Limits) is { } usageMiB)
        {
            await KillForLimitAsync(command, instance, old, spec.Limits, usageMiB, e.Message, cancellationToken);
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _metrics.Errors.Add(1);
            LogResizeFailed(e, spec.InstanceId);
            var restored = TryApply(instance.Name, old);
            await RejectAsync(command, spec.InstanceId,
                $"writing limits cpu {F(spec.Limits.CpuMillicores)} millicores, memory {F(spec.Limits.MemoryMiB)} MiB failed: {e.Message}; " +
                (restored ? "previous limits restored" : "previous limits could not be restored"), cancellationToken, old, spec.Limits);
            return;
        }

        _metrics.ResizeWrite.Record(_time.GetElapsedTime(started).TotalMilliseconds);
        instance.State = instance.State with { Limits = spec.Limits };
        await AcceptAsync(command, spec.InstanceId, cancellationToken);
        await PublishAsync(InstanceEvent(NodeEventKind.InstanceResized, instance.State) with
        {
            CommandId = command.CommandId,
            OldLimits = ToQuantity(old),
            NewLimits = ToQuantity(spec.Limits),
            Reason = notEnforced.Count == 0 ? null : "not enforced: " + string.Join("; ", notEnforced),
        }, cancellationToken);
        SaveState();
        await CompleteAsync(command.CommandId, spec.InstanceId, cancellationToken);
    }

    /// <summary>
    /// Replaces the instance's network cap; null when done. When tc refuses (a rate it cannot take, the namespace
    /// gone), the CPU and memory limits just written and the old cap are put back, the refusal is counted, and the
    /// reason naming the cap is returned for the rejection event.
    /// </summary>
    private async Task<string?> TrySetNetworkAsync(RunningInstance instance, InstanceNetwork network, InstanceLimits old, InstanceLimits limits, CancellationToken cancellationToken)
    {
        try
        {
            await _network!.SetLimitAsync(network, limits.NetworkMbps, cancellationToken);
            instance.NetworkThrottle = default; // the queue disciplines were replaced: their counters start again
            return null;
        }
        catch (InvalidOperationException e)
        {
            _metrics.NetworkResizeRefused.Add(1);
            LogNetworkResizeFailed(e, instance.State.InstanceId);
            var restored = TryApply(instance.Name, old);
            try
            {
                await _network!.SetLimitAsync(network, old.NetworkMbps, cancellationToken);
            }
            catch (InvalidOperationException)
            {
                restored = false;
            }

            var cap = limits.NetworkMbps is { } mbps ? $"{F(mbps)} Mbps" : "none";
            return $"network cap {cap} could not be applied: {e.Message}; " + (restored ? "previous limits restored" : "previous limits could not all be restored");
        }
    }

    /// <summary>
    /// An AllowKill resize whose memory limit the kernel would not take: cgroup v1 refuses to set
    /// memory.limit_in_bytes below usage it cannot reclaim (EBUSY, mem_cgroup_resize_max in mm/memcontrol.c) where
    /// v2's memory.max OOM-kills. The agent then does what the v2 kernel would: it kills the instance, and its exit is
    /// reported as OOM-killed under the new limit.
    /// </summary>
    private async Task KillForLimitAsync(NodeCommand command, RunningInstance instance, InstanceLimits old, InstanceLimits limits, double usageMiB, string error, CancellationToken cancellationToken)
    {
        LogKilledByResize(instance.State.InstanceId, error);
        var reason = $"memory limit of {F(limits.MemoryMiB)} MiB is below the usage of {F(usageMiB)} MiB the kernel could not reclaim; " +
                     "the agent killed the instance (AllowKill)";
        instance.LimitKillReason = reason;
        instance.KillSent = true;
        foreach (var pid in _driver.ReadPids(instance.Name))
        {
            LibC.Kill(pid, LibC.SigKill);
        }

        instance.State = instance.State with { Limits = limits };
        await AcceptAsync(command, instance.State.InstanceId, cancellationToken);
        await PublishAsync(InstanceEvent(NodeEventKind.InstanceResized, instance.State) with
        {
            CommandId = command.CommandId,
            OldLimits = ToQuantity(old),
            NewLimits = ToQuantity(limits),
            Reason = reason,
        }, cancellationToken);
        SaveState();
        await CompleteAsync(command.CommandId, instance.State.InstanceId, cancellationToken);
    }

    /// <summary>The instance's memory usage in MiB when <paramref name="limits"/> is below it, else null.</summary>
    private double? BelowUsage(RunningInstance instance, InstanceLimits limits) =>
        _driver.ReadStats(instance.Name) is { } stats && CgroupLimitFormat.MiBToBytes(limits.MemoryMiB) < stats.MemoryCurrentBytes
            ? Math.Round(CgroupLimitFormat.BytesToMiB(stats.MemoryCurrentBytes), 1)
            : null;

    private string? CheckAgainstUsage(RunningInstance instance, ResizeSpec spec)
    {
        if (spec.AllowKill || _driver.ReadStats(instance.Name) is not { } stats)
        {
            return null;
        }

        var wanted = CgroupLimitFormat.MiBToBytes(spec.Limits.MemoryMiB);
        return wanted < stats.MemoryCurrentBytes
            ? $"memory {F(spec.Limits.MemoryMiB)} MiB is below the instance's current usage of " +
              $"{F(Math.Round(CgroupLimitFormat.BytesToMiB(stats.MemoryCurrentBytes), 1))} MiB (AllowKill is false)"
            : null;
    }

    private bool TryApply(string name, InstanceLimits limits)
    {
        try
        {
            _driver.ApplyLimits(name, limits);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
}
