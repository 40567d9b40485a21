using System.Runtime.CompilerServices;

namespace Edge.Controller.History;

/// <summary>
/// The value of one FASTER record: up to <see cref="Capacity"/> samples of one series within one time bucket,
/// as (offset in ms from the bucket start, value) pairs in arrival order; appended in place with RMW.
/// A batch-marker record uses <see cref="BatchMask"/> only: bit i set = sequence (Bucket*64 + i) was stored.
/// Fixed size and blittable, so FASTER keeps it in its log without a serializer.
/// </summary>
internal struct SampleBlock
{
    public const int Capacity = 64;

    public int Count;
    public int Reserved;
    public ulong BatchMask;
    public OffsetSlots Offsets;
    public ValueSlots Values;

    public readonly bool IsFull => Count >= Capacity;

    [InlineArray(Capacity)]
    internal struct OffsetSlots
    {
        private int _element;
    }

    [InlineArray(Capacity)]
    internal struct ValueSlots
    {
        private double _element;
    }
}
