namespace Edge.Controller.Placement;

/// <summary>The outcome of one scan: the best slot, the runners-up, and why the other nodes did not qualify.</summary>
internal sealed class SearchResult
{
    private static readonly int ReasonCount = Enum.GetValues<RejectionReason>().Length;

    public SearchResult(int maxAlternatives)
    {
        TopSlots = new int[maxAlternatives + 1];
        TopScores = new NodeScore[maxAlternatives + 1];
    }

    public int Best => TopCount > 0 ? TopSlots[0] : -1;
    public NodeScore BestScore => TopScores[0];

    /// <summary>The best slots, best first; the first is the choice.</summary>
    public int[] TopSlots { get; }
    public NodeScore[] TopScores { get; }
    public int TopCount { get; private set; }
    public int Fitting { get; set; }
    public int[] RejectCounts { get; } = new int[ReasonCount];

    /// <summary>The first slot rejected for each reason, or -1.</summary>
    public int[] RejectExamples { get; } = Enumerable.Repeat(-1, ReasonCount).ToArray();

    public void Reject(RejectionReason reason, int slot)
    {
        var r = (int)reason;
        if (RejectCounts[r]++ == 0)
        {
            RejectExamples[r] = slot;
        }
    }

    /// <summary>True when a node with this primary score could enter the list (ties still need the secondary); inlined in the scan so most nodes cost no call.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool Admits(double primary) => TopCount < TopSlots.Length || primary >= TopScores[^1].Primary;

    /// <summary>Keeps the slot if it ranks among the best; the list stays sorted best first.</summary>
    public void Offer(int slot, NodeScore score)
    {
        var capacity = TopSlots.Length;
        if (TopCount == capacity && !score.IsBetterThan(TopScores[capacity - 1]))
        {
            return;
        }

        var position = Math.Min(TopCount, capacity - 1);
        while (position > 0 && score.IsBetterThan(TopScores[position - 1]))
        {
            TopSlots[position] = TopSlots[position - 1];
            TopScores[position] = TopScores[position - 1];
            position--;
        }

        TopSlots[position] = slot;
        TopScores[position] = score;
        TopCount = Math.Min(TopCount + 1, capacity);
    }
}
