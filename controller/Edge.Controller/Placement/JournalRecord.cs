namespace Edge.Controller.Placement;

/// <summary>One line of the allocation journal.</summary>
public sealed record JournalRecord(JournalOp Op, string Id, Allocation? Allocation = null, QueuedRequest? Queued = null);
