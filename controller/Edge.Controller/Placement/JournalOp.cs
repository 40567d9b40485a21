namespace Edge.Controller.Placement;

/// <summary>One kind of change recorded in the allocation journal.</summary>
public enum JournalOp
{
    PutAllocation,
    RemoveAllocation,
    PutQueued,
    RemoveQueued,
}
