using Prometheus;

namespace Edge.Controller.Telemetry;

/// <summary>
/// This controller's Prometheus registry: a registry of its own rather than prometheus-net's static default, so that
/// two controllers in one process (tests, benchmarks) never share series, and without the library's default
/// process metrics (node_exporter and the agent's own endpoint cover the host).
/// </summary>
internal sealed class MetricsRegistry
{
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public IMetricFactory Factory => Metrics.WithCustomRegistry(Registry);
}
