namespace Edge.Models;

/// <summary>One series of usage samples in time order: timestamps in Unix seconds, values in the resource's unit.</summary>
public sealed record UsageSeries(string Id, ResourceKind Resource, long[] TimestampsS, double[] Values)
{
    public int Count => Values.Length;
}
