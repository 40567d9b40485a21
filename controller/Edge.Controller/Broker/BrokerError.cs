namespace Edge.Controller.Broker;

/// <summary>The body of a 4xx answer from the broker endpoints.</summary>
/// <param name="Error">What is wrong, naming the offending value.</param>
public sealed record BrokerError(string Error);
