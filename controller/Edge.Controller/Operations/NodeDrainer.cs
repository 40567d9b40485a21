using Edge.Controller.Placement;

namespace Edge.Controller.Operations;

/// <summary>
/// One step of a drain's state machine, run on every tick of <see cref="OperationsService"/> (and once when the
/// drain starts): every active allocation on the node that is not yet handled is either migrated with the broker's
/// migrate path (<see cref="Allocator.MigrateAsync"/>: stop here, start on another node that fits, a Migration
/// decision) or, when not migratable or nothing else fits, waited out. Waiting migratable instances are tried
/// again every <see cref="RetryInterval"/>. The drain ends <see cref="DrainStates.Drained"/> once nothing is left on
/// the node, or <see cref="DrainStates.TimedOut"/> at its deadline with what remains marked <see cref="DrainActions.Left"/>
/// (still running; the node stays cordoned).
/// </summary>
internal sealed class NodeDrainer(Allocator broker, TimeProvider time)
{
    /// <summary>How often a migratable instance that found no room elsewhere is tried again.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, DateTimeOffset> _lastTry = new(StringComparer.Ordinal);

    /// <summary>Advances the drain of <paramref name="nodeId"/>; returns <paramref name="drain"/> itself when nothing changed.</summary>
    public async Task<DrainProgress> AdvanceAsync(string nodeId, DrainProgress drain, CancellationToken cancellationToken)
    {
        if (drain.State != DrainStates.Draining)
        {
            return drain;
        }

        var now = time.GetUtcNow();
        var changed = false;
        var instances = new List<DrainedInstance>(drain.Instances.Count);
        foreach (var entry in drain.Instances)
        {
            var next = entry.Action is DrainActions.Migrating or DrainActions.Waiting ? Observe(nodeId, entry) : entry;
            if (next.Action == DrainActions.Waiting && RetryDue(next.InstanceId, now) && broker.FindAllocation(next.InstanceId) is { } waiting && Movable(waiting))
            {
                next = await MigrateAsync(nodeId, waiting, now, cancellationToken);
            }

            changed |= next != entry;
            instances.Add(next);
        }

        var handled = instances.Select(i => i.InstanceId).ToHashSet(StringComparer.Ordinal);
        foreach (var allocation in broker.AllocationsOn(nodeId).Where(a => a.State == AllocationState.Active && !handled.Contains(a.AllocationId)).OrderBy(a => a.CreatedAtMs))
        {
            changed = true;
            instances.Add(Movable(allocation)
                ? await MigrateAsync(nodeId, allocation, now, cancellationToken)
                : new DrainedInstance(allocation.AllocationId, allocation.ComponentId, DrainActions.Waiting, null,
                    $"not migratable: waiting for it to end on '{nodeId}'"));
        }

        var remaining = instances.Count(i => i.Action is DrainActions.Migrating or DrainActions.Waiting);
        if (remaining == 0)
        {
            Forget(instances);
            var migrated = instances.Count(i => i.Action == DrainActions.Migrated);
            return drain with
            {
                State = DrainStates.Drained,
                FinishedAt = now,
                Instances = instances,
                Message = $"drained: {migrated} instance(s) migrated, {instances.Count - migrated} ended on the node",
            };
        }

        if (drain.Deadline is { } deadline && now >= deadline)
        {
            Forget(instances);
            return drain with
            {
                State = DrainStates.TimedOut,
                FinishedAt = now,
                Instances = [.. instances.Select(i => i.Action is DrainActions.Migrating or DrainActions.Waiting
                    ? i with { Action = DrainActions.Left, Message = $"still on '{nodeId}' at the drain's deadline {deadline:O}; left running" }
                    : i)],
                Message = $"timed out with {remaining} instance(s) still on the node; it stays cordoned",
            };
        }

        return changed ? drain with { Instances = instances } : drain;
    }

    /// <summary>Ends every open entry of a drain that was stopped (uncordon), marking what is still there as left.</summary>
    public DrainProgress Cancel(DrainProgress drain, string nodeId)
    {
        if (drain.State != DrainStates.Draining)
        {
            return drain;
        }

        Forget(drain.Instances);
        return drain with
        {
            State = DrainStates.Cancelled,
            FinishedAt = time.GetUtcNow(),
            Instances = [.. drain.Instances.Select(i => i.Action is DrainActions.Migrating or DrainActions.Waiting
                ? i with { Action = DrainActions.Left, Message = $"the drain was cancelled (node '{nodeId}' uncordoned)" }
                : i)],
            Message = "cancelled: the node was uncordoned",
        };
    }

    /// <summary>Where an instance the drain is following has gone: still here, moved, or ended.</summary>
    private DrainedInstance Observe(string nodeId, DrainedInstance entry) => broker.FindAllocation(entry.InstanceId) switch
    {
        null or { State: AllocationState.Lost } => entry with { Action = DrainActions.Finished, Message = "ended" },
        { } moved when moved.NodeId != nodeId => entry with { Action = DrainActions.Migrated, TargetNode = moved.NodeId },
        _ => entry,
    };

    private async Task<DrainedInstance> MigrateAsync(string nodeId, Allocation allocation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _lastTry[allocation.AllocationId] = now;
        var outcome = await broker.MigrateAsync(allocation.AllocationId, allocation.Resources, $"draining node '{nodeId}'", cancellationToken);
        return outcome.Status == AllocationStatus.Placed
            ? new DrainedInstance(allocation.AllocationId, allocation.ComponentId, DrainActions.Migrated, outcome.NodeId, null)
            : new DrainedInstance(allocation.AllocationId, allocation.ComponentId, DrainActions.Waiting, null,
                $"could not migrate ({outcome.Reason}); waiting for it to end or for room elsewhere");
    }

    private bool RetryDue(string instanceId, DateTimeOffset now) =>
        !_lastTry.TryGetValue(instanceId, out var last) || now - last >= RetryInterval;

    private static bool Movable(Allocation allocation) => allocation.Request.Migratable;

    private void Forget(IEnumerable<DrainedInstance> instances)
    {
        foreach (var instance in instances)
        {
            _lastTry.Remove(instance.InstanceId);
        }
    }
}
