namespace Edge.Common.Contracts;

/// <summary>One measured value at the batch's timestamp.</summary>
/// <param name="Scope">What was measured: <c>node</c>, <c>cgroup/{path}</c>, <c>instance/{id}</c> or <c>dotnet/{pid}</c>.</param>
/// <param name="Metric">The metric's name, see <see cref="MetricNames"/>.</param>
/// <param name="Value">The value in the unit the metric's name states.</param>
public sealed record MetricSample(string Scope, string Metric, double Value);
