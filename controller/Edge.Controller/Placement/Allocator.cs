using System.Diagnostics;
using Edge.Common.Contracts;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Placement;

/// <summary>
/// The specification's allocator: keeps the node inventory and every allocation, places each request where
/// its predicted profile fits at the least cost (or per the configured strategy), applies the contention policies
/// when nothing fits, and publishes every outcome as a <see cref="Decision"/>. All state changes happen under one
/// lock, so capacity is never double-booked; profile lookups and publishing happen outside it.
/// </summary>
internal sealed partial class Allocator
{
    private readonly Lock _lock = new();
    private readonly PlacementOptions _options;
    private readonly IProfileSource _profiles;
    private readonly ICommandPublisher _commands;
    private readonly IDecisionPublisher _decisions;
    private readonly IAllocationStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<Allocator> _logger;
    private readonly AllocatorMetrics _metrics;
    private readonly LaunchPolicy _launch;
    private readonly INodeLoad? _load;
    private readonly NodeInventory _nodes = new(1024);
    private readonly Dictionary<string, Allocation> _allocations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _allocationsByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<int, int>> _slotsByRun = new(StringComparer.Ordinal);
    private readonly AllocationQueue _queue = new();
    private readonly Dictionary<string, long> _offlineSince = new(StringComparer.Ordinal);

    /// <summary>Per node declared lost: the instances re-placed away from it, whose old copies get a stop when it returns.</summary>
    private readonly Dictionary<string, HashSet<string>> _movedAway = new(StringComparer.Ordinal);

    /// <summary>Per (node, instance) reported there without an allocation: when that was first seen.</summary>
    private readonly Dictionary<(string Node, string Instance), long> _unknownSince = [];

    /// <summary>Per allocation id: when its node's reports first lacked its instance.</summary>
    private readonly Dictionary<string, long> _missingSince = new(StringComparer.Ordinal);

    /// <summary>Per allocation id: when its latest start command was decided (restored allocations: the broker's start).</summary>
    private readonly Dictionary<string, long> _startSentAt = new(StringComparer.Ordinal);
    private readonly long _createdAtMs;
    private string? _replaceCause;
    private readonly uint _primaryTiers;
    private readonly uint _lowerTiers;
    private long _sequence;

    public Allocator(
        IOptions<PlacementOptions> options,
        IProfileSource profiles,
        ICommandPublisher commands,
        IDecisionPublisher decisions,
        IAllocationStore store,
        TimeProvider time,
        ILogger<Allocator> logger,
        AllocatorMetrics metrics,
        LaunchPolicy? launch = null,
        INodeLoad? load = null)
    {
        _load = load;
        _options = options.Value;
        _profiles = profiles;
        _commands = commands;
        _decisions = decisions;
        _store = store;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _launch = launch ?? LaunchPolicy.Default;
        _primaryTiers = TierMask(_options.EffectivePrimaryTiers);
        _lowerTiers = TierMask(_options.EffectiveLowerTiers) & ~_primaryTiers;
        _createdAtMs = NowMs();
        Restore(store.Load());
    }

    /// <summary>Reserves resources for one instance of the request's component, or applies the contention policies.</summary>
    public async Task<AllocationOutcome> AllocateAsync(AllocationRequest request, CancellationToken cancellationToken)
    {
        if ((RequestValidator.Check(request) ?? LaunchError(request)) is { } error)
        {
            return Invalid(request.ComponentId, error);
        }

        var profile = await _profiles.GetProfileAsync(request.ComponentId, request.WorkflowRunId, request.Hints, cancellationToken);
        if (profile is null)
        {
            return Invalid(request.ComponentId, $"unknown component '{request.ComponentId}': no prediction profile is available for it");
        }

        if (RequestValidator.Check(profile) is { } profileError)
        {
            return Invalid(request.ComponentId, profileError);
        }

        var effects = new AllocatorEffects();
        AllocationOutcome outcome;
        var started = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            outcome = PlaceOrContend(NewId(), request, profile, effects, replacing: null);
        }

        _metrics.DecisionDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (outcome.Status == AllocationStatus.Invalid)
        {
            CountInvalid(request.ComponentId, outcome.Reason);
        }

        await PublishAsync(effects, cancellationToken);
        return outcome;
    }

    /// <summary>Releases an allocation (stopping its instance) or cancels a queued request; false when the id is unknown.</summary>
    public Task<bool> DeallocateAsync(string allocationId, CancellationToken cancellationToken) =>
        ReleaseAsync(allocationId, stopInstance: true, "released on request", cancellationToken);

    /// <summary>Releases an allocation whose instance has ended on its own (no stop command is sent).</summary>
    public Task<bool> ReleaseEndedAsync(string allocationId, string reason, CancellationToken cancellationToken) =>
        ReleaseAsync(allocationId, stopInstance: false, reason, cancellationToken);

    /// <summary>Every allocation, active and lost.</summary>
    public IReadOnlyList<Allocation> GetAllocations()
    {
        lock (_lock)
        {
            return [.. _allocations.Values];
        }
    }

    /// <summary>The allocation with this id, if any.</summary>
    public Allocation? FindAllocation(string allocationId)
    {
        lock (_lock)
        {
            return _allocations.GetValueOrDefault(allocationId);
        }
    }

    /// <summary>Every known node with its free capacity.</summary>
    public IReadOnlyList<NodeView> GetNodes()
    {
        lock (_lock)
        {
            var n = _nodes;
            return [.. Enumerable.Range(0, n.Count).Select(i => new NodeView(
                n.Ids[i], n.Online[i], n.Tiers[i],
                new ResourceQuantity(n.CapCpu[i], n.CapMem[i], double.IsPositiveInfinity(n.CapNet[i]) ? null : n.CapNet[i]),
                new ResourceQuantity(n.FreeCpu[i], n.FreeMem[i], double.IsPositiveInfinity(n.FreeNet[i]) ? null : n.FreeNet[i]),
                n.AllocationCounts[i],
                n.Cordoned[i]))];
        }
    }

    /// <summary>The queue in service order.</summary>
    public IReadOnlyList<QueuedRequest> GetQueue()
    {
        lock (_lock)
        {
            return _queue.InOrder(NowMs(), _options.QueueOrder);
        }
    }

    private async Task<bool> ReleaseAsync(string allocationId, bool stopInstance, string reason, CancellationToken cancellationToken)
    {
        var effects = new AllocatorEffects();
        bool found;
        lock (_lock)
        {
            found = ReleaseLocked(allocationId, stopInstance, reason, effects);
            if (found)
            {
                ServeQueue(effects);
            }
        }

        await PublishAsync(effects, cancellationToken);
        return found;
    }

    private bool ReleaseLocked(string allocationId, bool stopInstance, string reason, AllocatorEffects effects)
    {
        var now = NowMs();
        if (_queue.Contains(allocationId))
        {
            _store.RemoveQueued(allocationId);
            _queue.TryRemove(allocationId, out var queued);
            effects.Decisions.Add(NewDecision(DecisionKind.Released, $"queued request cancelled: {reason}", queued!.Request, allocationId, null, null, now));
            return true;
        }

        if (!_allocations.TryGetValue(allocationId, out var allocation))
        {
            return false;
        }

        _store.RemoveAllocation(allocationId);
        Forget(allocation);
        _startSentAt.Remove(allocationId);
        if (stopInstance && allocation.State == AllocationState.Active && allocation.Request.Executable is not null)
        {
            effects.Commands.Add(StopCommand(allocation, now));
        }

        effects.Decisions.Add(NewDecision(DecisionKind.Released, reason, allocation.Request, allocationId, allocation.NodeId, allocation.Resources, now));
        return true;
    }

    private AllocationOutcome Invalid(string? componentId, string reason)
    {
        CountInvalid(componentId, reason);
        return AllocationOutcome.Invalid(reason);
    }

    private void CountInvalid(string? componentId, string reason)
    {
        _metrics.InvalidRequests.Add(1);
        Log.InvalidRequest(_logger, componentId ?? "", reason);
    }

    private async Task PublishAsync(AllocatorEffects effects, CancellationToken cancellationToken)
    {
        if (effects.IsEmpty)
        {
            return;
        }

        foreach (var command in effects.Commands)
        {
            try
            {
                await _commands.PublishAsync(command, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _metrics.PublishFailures.Add(1);
                Log.CommandPublishFailed(_logger, command.Kind, command.NodeId, ex);
            }
        }

        foreach (var decision in effects.Decisions)
        {
            try
            {
                await _decisions.PublishAsync(decision, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _metrics.PublishFailures.Add(1);
                Log.DecisionPublishFailed(_logger, decision.Kind, ex);
            }
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static uint TierMask(IEnumerable<PricingTier> tiers) => tiers.Aggregate(0u, (mask, tier) => mask | (1u << (int)tier));
}
