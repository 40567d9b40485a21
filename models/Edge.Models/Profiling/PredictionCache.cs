using Edge.Common.Contracts;

namespace Edge.Models.Profiling;

/// <summary>
/// The specification's transient cache: predictions keyed by component and context, each valid for a time-to-live
/// measured on the injected <see cref="TimeProvider"/>; a component's entries are dropped when it records a run.
/// </summary>
internal sealed class PredictionCache(TimeProvider timeProvider, TimeSpan ttl)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Component, ComponentContext Context), (PredictionProfile Profile, long ExpiresAt)> _entries = [];

    public bool TryGet(string componentId, ComponentContext context, out PredictionProfile profile)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue((componentId, context), out var entry))
            {
                if (timeProvider.GetTimestamp() < entry.ExpiresAt)
                {
                    profile = entry.Profile;
                    return true;
                }

                _entries.Remove((componentId, context));
            }
        }

        profile = null!;
        return false;
    }

    /// <summary>Keeps <paramref name="profile"/> for the time-to-live, or for <paramref name="validFor"/> when that is shorter.</summary>
    public void Set(string componentId, ComponentContext context, PredictionProfile profile, TimeSpan? validFor = null)
    {
        var keep = validFor is { } v && v < ttl ? v : ttl;
        var expires = timeProvider.GetTimestamp() + (long)(keep.TotalSeconds * timeProvider.TimestampFrequency);
        lock (_gate)
        {
            _entries[(componentId, context)] = (profile, expires);
        }
    }

    /// <summary>Drops a component's entries, and every borrowed prediction (it may have borrowed from this one).</summary>
    public void Invalidate(string componentId)
    {
        lock (_gate)
        {
            foreach (var key in _entries.Keys.Where(k => k.Component == componentId || _entries[k].Profile.Model.EndsWith("+similar", StringComparison.Ordinal)).ToList())
            {
                _entries.Remove(key);
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }
}
