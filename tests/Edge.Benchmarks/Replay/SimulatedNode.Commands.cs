using System.Globalization;
using Edge.Common.Contracts;

namespace Edge.Benchmarks.Replay;

internal sealed partial class SimulatedNode
{
    private const double MinCpuMillicores = 10;
    private const double MinMemoryMiB = 4;
    private const int ExitSigterm = 143;

    private async Task HandleAsync(NodeCommand command, CancellationToken cancellationToken)
    {
        if (_applied.TryGetValue(command.CommandId, out var previous))
        {
            // A redelivered command is answered again, not re-run.
            await PublishAsync(previous.Rejected
                ? NewEvent(NodeEventKind.CommandRejected, command.CommandId, null, previous.InstanceId) with { Reason = previous.Reason }
                : NewEvent(NodeEventKind.CommandAccepted, command.CommandId, null, previous.InstanceId), cancellationToken);
            return;
        }

        var error = command.NodeId != NodeId ? $"command is for node '{command.NodeId}', this node is '{NodeId}'"
            : (command.Kind, command.Start, command.Resize, command.Stop) switch
            {
                (CommandKind.Start, { } start, null, null) => await StartAsync(command.CommandId, start, cancellationToken),
                (CommandKind.Resize, null, { } resize, null) => await ResizeAsync(command.CommandId, resize, cancellationToken),
                (CommandKind.Stop, null, null, { } stop) => await StopAsync(command.CommandId, stop, cancellationToken),
                _ => $"command kind '{command.Kind}' does not match its payload",
            };
        var instanceId = command.Start?.InstanceId ?? command.Resize?.InstanceId ?? command.Stop?.InstanceId;
        _applied[command.CommandId] = (error is not null, instanceId, error);
        if (error is not null)
        {
            await PublishAsync(NewEvent(NodeEventKind.CommandRejected, command.CommandId, null, instanceId) with { Reason = error }, cancellationToken);
        }
    }

    /// <returns>The rejection reason, or null when started (its events are published).</returns>
    private async Task<string?> StartAsync(string commandId, StartSpec spec, CancellationToken cancellationToken)
    {
        var work = WorkloadSpec.Parse(spec.Args, out var argsError);
        var error = LimitsError(spec.Limits)
            ?? (_instances.ContainsKey(spec.InstanceId) ? $"instance '{spec.InstanceId}' is already running on this node" : null)
            ?? (work is null ? $"start of '{spec.Executable}' failed: {argsError}" : null);
        if (error is not null)
        {
            return error;
        }

        var rate = Math.Min(_options.Speed, work!.DurationS / _options.MinWallS);
        var instance = new SimulatedInstance(spec.InstanceId, spec.ComponentId, spec.WorkflowRunId, work, spec.Limits, rate, NowMs(), _followMargin, 2 * _options.SampleMs / 1000.0);
        await PublishAsync(NewEvent(NodeEventKind.CommandAccepted, commandId, null, spec.InstanceId), cancellationToken);
        _instances[spec.InstanceId] = instance;
        _tally.For(spec.WorkflowRunId).CountInstance();
        await PublishAsync(NewEvent(NodeEventKind.InstanceStarted, commandId, instance) with
        {
            Pid = Random.Shared.Next(1000, 4_000_000),
            NewLimits = new ResourceQuantity(spec.Limits.CpuMillicores, spec.Limits.MemoryMiB, spec.Limits.NetworkMbps),
        }, cancellationToken);
        await PublishAsync(NewEvent(NodeEventKind.CommandCompleted, commandId, instance), cancellationToken);
        return null;
    }

    private async Task<string?> ResizeAsync(string commandId, ResizeSpec spec, CancellationToken cancellationToken)
    {
        if (!_instances.TryGetValue(spec.InstanceId, out var instance))
        {
            return $"unknown instance '{spec.InstanceId}'";
        }

        var error = LimitsError(spec.Limits)
            ?? (!spec.AllowKill && spec.Limits.MemoryMiB < instance.MemoryMiB
                ? $"memory {F(spec.Limits.MemoryMiB)} MiB is below the instance's current usage of {F(Math.Round(instance.MemoryMiB, 1))} MiB (AllowKill is false)"
                : null);
        if (error is not null)
        {
            return error;
        }

        var old = instance.Limits;
        instance.Limits = spec.Limits;
        instance.Resizes++;
        _tally.For(instance.RunId).CountResize();
        await PublishAsync(NewEvent(NodeEventKind.CommandAccepted, commandId, instance), cancellationToken);
        await PublishAsync(NewEvent(NodeEventKind.InstanceResized, commandId, instance) with
        {
            OldLimits = new ResourceQuantity(old.CpuMillicores, old.MemoryMiB, old.NetworkMbps),
            NewLimits = new ResourceQuantity(spec.Limits.CpuMillicores, spec.Limits.MemoryMiB, spec.Limits.NetworkMbps),
        }, cancellationToken);
        await PublishAsync(NewEvent(NodeEventKind.CommandCompleted, commandId, instance), cancellationToken);
        return null;
    }

    /// <summary>The simulated process exits on SIGTERM at once (143); the stop completes after its exit event.</summary>
    private async Task<string?> StopAsync(string commandId, StopSpec spec, CancellationToken cancellationToken)
    {
        if (!_instances.TryGetValue(spec.InstanceId, out var instance))
        {
            return $"unknown instance '{spec.InstanceId}'";
        }

        await PublishAsync(NewEvent(NodeEventKind.CommandAccepted, commandId, instance), cancellationToken);
        await ExitAsync(instance, ExitSigterm, oomKilled: false, cancellationToken);
        await PublishAsync(NewEvent(NodeEventKind.CommandCompleted, commandId, null, instance.InstanceId), cancellationToken);
        return null;
    }

    /// <summary>As the supervisor does on exit: InstanceOomKilled first when the kernel killed it, then InstanceExited with the totals.</summary>
    private async Task ExitAsync(SimulatedInstance instance, int exitCode, bool oomKilled, CancellationToken cancellationToken)
    {
        _instances.Remove(instance.InstanceId);
        _sampledBefore.Remove(instance.InstanceId);
        _lastThrottleEvent.Remove(instance.InstanceId);
        if (oomKilled)
        {
            _tally.For(instance.RunId).CountOomKill(instance.ComponentId);
            var w = instance.Work;
            LogOomKill(NodeId, instance.ComponentId, instance.InstanceId, w.MemoryMiB, instance.StartLimits.MemoryMiB, instance.Limits.MemoryMiB, instance.Resizes,
                Math.Round(w.RampS / instance.Rate, 2), Math.Round(Math.Max(0, NowMs() - instance.StartedAtMs) / 1000.0, 2));
            await PublishAsync(NewEvent(NodeEventKind.InstanceOomKilled, null, instance) with
            {
                ExitCode = exitCode,
                Reason = $"memory limit of {F(instance.Limits.MemoryMiB)} MiB reached: the kernel OOM-killed 1 process(es)",
                Values = new Dictionary<string, double>(StringComparer.Ordinal) { ["oom_kills"] = 1 },
            }, cancellationToken);
        }

        await PublishAsync(NewEvent(NodeEventKind.InstanceExited, null, instance) with
        {
            ExitCode = exitCode,
            Values = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["duration_s"] = Math.Max(0, NowMs() - instance.StartedAtMs) / 1000.0,
                ["cpu_seconds"] = instance.CpuSecondsWall,
                ["peak_memory_mib"] = instance.PeakMemoryMiB,
            },
        }, cancellationToken);
    }

    private static string? LimitsError(InstanceLimits limits) =>
        limits.CpuMillicores < MinCpuMillicores ? $"cpu {F(limits.CpuMillicores)} millicores is below the floor of {F(MinCpuMillicores)}"
        : limits.CpuMillicores > Capacity.CpuMillicores ? $"cpu {F(limits.CpuMillicores)} millicores is above the node capacity of {F(Capacity.CpuMillicores)}"
        : limits.MemoryMiB < MinMemoryMiB ? $"memory {F(limits.MemoryMiB)} MiB is below the floor of {F(MinMemoryMiB)} MiB"
        : limits.MemoryMiB > Capacity.MemoryMiB ? $"memory {F(limits.MemoryMiB)} MiB is above the node capacity of {F(Capacity.MemoryMiB)} MiB"
        : null;

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
}
