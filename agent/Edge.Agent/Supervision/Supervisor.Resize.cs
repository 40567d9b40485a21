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
            await RejectAsync(command, spec.InstanceId, error, cancellationToken);
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
                await _network!.SetEgressAsync(network, spec.Limits.NetworkMbps, cancellationToken);
            }
            else if (instance.Network is null && spec.Limits.NetworkMbps is { } mbps)
            {
                notEnforced = [.. notEnforced, $"network {F(mbps)} Mbps: enforced only for network-isolated instances"];
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _metrics.Errors.Add(1);
            LogResizeFailed(e, spec.InstanceId);
            var restored = TryApply(instance.Name, old);
            await RejectAsync(command, spec.InstanceId,
                $"writing limits cpu {F(spec.Limits.CpuMillicores)} millicores, memory {F(spec.Limits.MemoryMiB)} MiB failed: {e.Message}; " +
                (restored ? "previous limits restored" : "previous limits could not be restored"), cancellationToken);
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
