using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

internal sealed partial class Allocator
{
    /// <summary>Rejects queued requests whose timeout has passed, each with its reason; returns how many.</summary>
    public async Task<int> ExpireQueuedAsync(CancellationToken cancellationToken)
    {
        var effects = new AllocatorEffects();
        State.StateStoreException? failed = null;
        lock (_lock)
        {
            var now = NowMs();
            foreach (var queued in _queue.Expired(now))
            {
                try
                {
                    _store.RemoveQueued(queued.AllocationId);
                }
                catch (State.StateStoreException ex)
                {
                    // Stays queued (memory as stored); what was already expired is still published below.
                    failed = ex;
                    break;
                }

                _queue.TryRemove(queued.AllocationId, out _);
                var search = Search(queued.Request, Demand(queued.Profile, reduced: false), TierMaskOf(queued.Request), _options.Strategy);
                var waited = TimeSpan.FromMilliseconds(now - queued.EnqueuedAtMs);
                var timeout = TimeSpan.FromMilliseconds(queued.DeadlineMs - queued.EnqueuedAtMs);
                var reason = $"timed out in the queue: waited {waited.TotalSeconds:0.#}s, past its timeout of {timeout.TotalSeconds:0.#}s, and still {Summarise(search)}";
                var decision = NewDecision(DecisionKind.Rejected, reason, queued.Request, queued.AllocationId, null, Demand(queued.Profile, reduced: false), now);
                effects.Decisions.Add(decision with { Alternatives = Alternatives(search) });
                _metrics.Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "timed_out"));
                Log.QueueTimeout(_logger, queued.AllocationId, queued.Request.ComponentId, waited.TotalSeconds);
            }
        }

        await PublishAsync(effects, cancellationToken);
        if (failed is not null)
        {
            throw failed;
        }

        return effects.Decisions.Count;
    }

    /// <summary>
    /// Places queued requests in priority order while they fit. Without backfill the first one that does not fit
    /// stops the pass, so a large high-priority request is not starved by smaller ones behind it. Caller holds the lock.
    /// A write the state store refuses ends the pass (the request stays queued; the store logged and counted it), so
    /// the caller's own change and the placements made before it are still published.
    /// </summary>
    private void ServeQueue(AllocatorEffects effects)
    {
        try
        {
            ServeQueueUnsafe(effects);
        }
        catch (State.StateStoreException)
        {
        }
    }

    private void ServeQueueUnsafe(AllocatorEffects effects)
    {
        if (_queue.Count == 0)
        {
            return;
        }

        var now = NowMs();
        var lowerTierAllowed = _options.EffectiveContention.Contains(ContentionPolicy.LowerTier);
        foreach (var queued in _queue.InOrder(now, _options.QueueOrder))
        {
            var request = queued.Request;
            if (LaunchError(request) is { } launchError)
            {
                _store.RemoveQueued(queued.AllocationId);
                _queue.TryRemove(queued.AllocationId, out _);
                effects.Decisions.Add(NewDecision(DecisionKind.Rejected, $"refused when served from the queue: {launchError}", request, queued.AllocationId, null, null, now));
                _metrics.Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "invalid"));
                continue;
            }

            var demand = Demand(queued.Profile, reduced: false);
            var tiers = TierMaskOf(request);
            var search = Search(request, demand, tiers, _options.Strategy);
            if (search.Best < 0 && lowerTierAllowed && (_lowerTiers & ~tiers) != 0)
            {
                search = Search(request, demand, _lowerTiers & ~tiers, PlacementStrategy.Cheapest);
            }

            var packed = false;
            if (search.Best < 0 && PackedDemand(request, queued.Profile) is { } packedDemand)
            {
                // A workflow step whose plan lets it run beside its siblings with less CPU than its forecast.
                search = Search(request, packedDemand, tiers, _options.Strategy);
                (demand, packed) = (packedDemand, search.Best >= 0);
            }

            if (search.Best < 0)
            {
                if (!_options.QueueBackfill)
                {
                    return;
                }

                continue;
            }

            // Commit's write of the allocation also removes the queue record, in one transaction; memory follows it.
            var waited = TimeSpan.FromMilliseconds(now - queued.EnqueuedAtMs);
            var reason = PlacementReason(search, null, $"capacity freed after {waited.TotalSeconds:0.#}s in the queue at priority {request.Priority}");
            Commit(queued.AllocationId, request, queued.Profile, demand, search, reduced: false, effects, replacing: null, reason, "dequeued", packed);
            _queue.TryRemove(queued.AllocationId, out _);
        }
    }
}
