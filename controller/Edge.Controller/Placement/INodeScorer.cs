namespace Edge.Controller.Placement;

/// <summary>Scores a node where the query fits. Implemented by structs so that the search loop is specialised per scorer.</summary>
internal interface INodeScorer
{
    /// <summary>True when the first fitting node wins and the scan can stop.</summary>
    bool StopAtFirstFit { get; }

    /// <summary>The main score; compared first.</summary>
    double Primary(NodeInventory nodes, int slot, in PlacementQuery query);

    /// <summary>The tie-breaker; computed only for nodes whose primary score can still enter the best list.</summary>
    double Secondary(NodeInventory nodes, int slot, in PlacementQuery query);
}
