using FASTER.core;

namespace Edge.Controller.History;

/// <summary>FASTER callbacks: reads copy the block out; RMW appends a sample or sets a batch bit, never overfilling a block.</summary>
internal sealed class SampleBlockFunctions : FunctionsBase<HistoryKey, SampleBlock, BlockInput, BlockOutput, Empty>
{
    public override bool SingleReader(ref HistoryKey key, ref BlockInput input, ref SampleBlock value, ref BlockOutput dst, ref ReadInfo readInfo)
    {
        dst.Block = value;
        return true;
    }

    public override bool ConcurrentReader(ref HistoryKey key, ref BlockInput input, ref SampleBlock value, ref BlockOutput dst, ref ReadInfo readInfo)
    {
        dst.Block = value;
        return true;
    }

    public override bool InitialUpdater(ref HistoryKey key, ref BlockInput input, ref SampleBlock value, ref BlockOutput output, ref RMWInfo rmwInfo)
    {
        value = default;
        Apply(ref value, in input, ref output);
        return true;
    }

    public override bool NeedCopyUpdate(ref HistoryKey key, ref BlockInput input, ref SampleBlock oldValue, ref BlockOutput output, ref RMWInfo rmwInfo) =>
        CanApply(in oldValue, in input, ref output);

    public override bool CopyUpdater(ref HistoryKey key, ref BlockInput input, ref SampleBlock oldValue, ref SampleBlock newValue, ref BlockOutput output, ref RMWInfo rmwInfo)
    {
        newValue = oldValue;
        Apply(ref newValue, in input, ref output);
        return true;
    }

    public override bool InPlaceUpdater(ref HistoryKey key, ref BlockInput input, ref SampleBlock value, ref BlockOutput output, ref RMWInfo rmwInfo)
    {
        if (CanApply(in value, in input, ref output))
        {
            Apply(ref value, in input, ref output);
        }

        return true;
    }

    private static bool CanApply(in SampleBlock block, in BlockInput input, ref BlockOutput output)
    {
        if (input.IsMarker)
        {
            output.AlreadyMarked = (block.BatchMask & (1UL << input.MarkerBit)) != 0;
            return !output.AlreadyMarked;
        }

        output.Full = block.IsFull;
        return !output.Full;
    }

    private static void Apply(ref SampleBlock block, in BlockInput input, ref BlockOutput output)
    {
        if (input.IsMarker)
        {
            block.BatchMask |= 1UL << input.MarkerBit;
            output.AlreadyMarked = false;
            return;
        }

        block.Offsets[block.Count] = input.OffsetMs;
        block.Values[block.Count] = input.Value;
        block.Count++;
        output.Full = false;
    }
}
