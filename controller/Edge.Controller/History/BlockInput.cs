namespace Edge.Controller.History;

/// <summary>An RMW request: append one sample, or mark one batch sequence number as stored.</summary>
internal readonly record struct BlockInput(bool IsMarker, int OffsetMs, double Value, int MarkerBit)
{
    public static BlockInput Sample(int offsetMs, double value) => new(false, offsetMs, value, 0);

    public static BlockInput Marker(int bit) => new(true, 0, 0, bit);
}
