namespace Edge.Common.Contracts;

/// <summary>One measured value at the batch's timestamp.</summary>
/// <param name="Scope">What was measured: <c>node</c>, <c>cgroup/{path}</c>, <c>instance/{id}</c> or <c>dotnet/{pid}</c>.</param>
/// <param name="Metric">The metric's name, see <see cref="MetricNames"/>.</param>
/// <param name="Value">
/// The value in the unit the metric's name states. <c>NaN</c> and <c>Infinity</c> are read and written as the JSON
/// strings "NaN" / "Infinity", so that one bad sample is refused by the controller on its own instead of making the
/// whole batch unreadable (or unwritable at the agent).
/// </param>
public sealed record MetricSample(
    string Scope,
    string Metric,
    [property: System.Text.Json.Serialization.JsonNumberHandling(System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals)] double Value);
