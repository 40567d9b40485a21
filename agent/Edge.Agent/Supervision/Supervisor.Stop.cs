using Edge.Agent.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

internal sealed partial class Supervisor
{
    private async Task StopAsync(NodeCommand command, StopSpec spec, CancellationToken cancellationToken)
    {
        if (!_instances.TryGetValue(spec.InstanceId, out var instance))
        {
            await RejectAsync(command, spec.InstanceId, $"unknown instance '{spec.InstanceId}'", cancellationToken);
            return;
        }

        var grace = spec.GracePeriodMs ?? instance.State.GracePeriodMs;
        if (grace < 0 || grace > _options.MaxGracePeriodMs)
        {
            await RejectAsync(command, spec.InstanceId, $"grace period {grace} ms is outside 0..{_options.MaxGracePeriodMs} ms", cancellationToken);
            return;
        }

        await AcceptAsync(command, spec.InstanceId, cancellationToken);
        instance.StopCommandIds.Add(command.CommandId);
        if (instance.StopCommandIds.Count > 1)
        {
            return;
        }

        LogStopping(spec.InstanceId, grace);
        LibC.Kill(instance.Pid, LibC.SigTerm);
        RunInBackground(() => EnforceGraceAsync(instance, grace));
    }

    private async Task EnforceGraceAsync(RunningInstance instance, int graceMs)
    {
        try
        {
            await instance.Exited.Task.WaitAsync(TimeSpan.FromMilliseconds(graceMs), _time, _shutdown.Token);
        }
        catch (TimeoutException)
        {
            LogGraceExpired(instance.State.InstanceId, graceMs);
            instance.KillSent = true;
            LibC.Kill(instance.Pid, LibC.SigKill);
            foreach (var pid in _driver.ReadPids(instance.Name))
            {
                LibC.Kill(pid, LibC.SigKill);
            }
        }
        catch (OperationCanceledException)
        {
            // Agent shutting down: the next agent adopts the instance and the controller may stop it again.
        }
    }
}
