namespace Edge.Models.Statistical;

/// <summary>Keeps a monotone deque so the 24 h maximum costs O(1) amortised per sample.</summary>
internal sealed class RecentMaxState(double multiplier) : IRecommenderState
{
    private readonly LinkedList<(long T, double V)> _deque = new();

    public void Observe(long timestampS, double value)
    {
        while (_deque.Count > 0 && _deque.Last!.Value.V <= value)
        {
            _deque.RemoveLast();
        }

        _deque.AddLast((timestampS, value));
    }

    public Recommendation Recommend(long nowS, long horizonS)
    {
        while (_deque.Count > 0 && _deque.First!.Value.T < nowS - RecentMaxRecommender.WindowS)
        {
            _deque.RemoveFirst();
        }

        var max = _deque.Count == 0 ? 0 : Math.Max(_deque.First!.Value.V, 0);
        return new Recommendation(multiplier * max, max, 0, max, double.NaN);
    }
}
