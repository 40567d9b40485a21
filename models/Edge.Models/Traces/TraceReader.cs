namespace Edge.Models.Traces;

/// <summary>Reads a trace folder in any supported <see cref="TraceFormat"/>.</summary>
public static class TraceReader
{
    public static TraceLoadResult Read(TraceFormat format, string directory, IReadOnlyCollection<ResourceKind> resources, CancellationToken cancellationToken) =>
        format switch
        {
            TraceFormat.Bitbrains => BitbrainsReader.Read(directory, resources, cancellationToken),
            TraceFormat.WfInstances => WfInstancesReader.Read(directory, resources, cancellationToken),
            _ => EdgeHistoryReader.Read(directory, resources, cancellationToken),
        };
}
