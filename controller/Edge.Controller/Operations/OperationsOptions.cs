namespace Edge.Controller.Operations;

/// <summary>Operator-API settings bound from the <c>Controller</c> section.</summary>
internal sealed record OperationsOptions
{
    /// <summary>How long a node has to answer a request for an instance's output before the API answers 504.</summary>
    public TimeSpan OutputRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
