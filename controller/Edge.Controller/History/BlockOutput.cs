namespace Edge.Controller.History;

/// <summary>What an operation saw: a copy of the block for reads; for RMW whether the block was full or the batch already marked.</summary>
internal struct BlockOutput
{
    public SampleBlock Block;
    public bool Full;
    public bool AlreadyMarked;
}
