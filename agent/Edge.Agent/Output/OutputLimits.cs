namespace Edge.Agent.Output;

/// <summary>How much output is kept per stream and for how long after the instance ends.</summary>
/// <param name="SegmentBytes">Size at which a segment file is closed and a new one started.</param>
/// <param name="Segments">Segment files kept per stream, the one being written included.</param>
/// <param name="Retention">How long an ended instance's output stays on the node.</param>
internal sealed record OutputLimits(long SegmentBytes, int Segments, TimeSpan Retention);
