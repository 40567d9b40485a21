namespace Edge.Controller.Placement;

/// <summary>A node's real load as it last reported it (the broker's input for burst headroom).</summary>
public interface INodeLoad
{
    /// <summary>The node's latest reported CPU use (cores), memory in use (MiB, NaN when unknown) and when; null before its first report.</summary>
    NodeLoad? Load(string nodeId);
}

/// <summary>What a node last reported it uses.</summary>
public readonly record struct NodeLoad(double CpuCores, double MemoryUsedMiB, long TimestampMs);
