namespace Edge.Controller.Placement;

/// <summary>A node's score for one placement: higher is better; the secondary breaks ties.</summary>
internal readonly record struct NodeScore(double Primary, double Secondary)
{
    public static NodeScore Worst { get; } = new(double.NegativeInfinity, double.NegativeInfinity);

    public bool IsBetterThan(NodeScore other) =>
        Primary > other.Primary || (Primary == other.Primary && Secondary > other.Secondary);
}
