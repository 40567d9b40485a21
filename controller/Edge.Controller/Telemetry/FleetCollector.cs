using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Mqtt;
using Edge.Controller.Nodes;
using Edge.Controller.Options;
using Edge.Controller.Profiles;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Edge.Controller.Telemetry;

/// <summary>
/// The fleet's state as gauges, read from the controller's in-memory state at each scrape: nodes (capacity, reserved
/// by the broker, used as last reported, online), instances (limits and usage), components (the latest forecast with
/// its interval, the last finished run's actual peak, the mean forecast error, the model), the broker's queue and
/// the MQTT clients connected. Each set is capped by <see cref="MetricsOptions"/> (first ids in order kept) and what
/// is cut is shown in <c>edge_metrics_omitted{kind}</c>. Units are Prometheus base units: cores, bytes, bytes per
/// second, seconds.
/// </summary>
internal sealed class FleetCollector
{
    private const double BytesPerMiB = 1024 * 1024;
    private const double BytesPerSecondPerMbps = 1_000_000 / 8.0;

    private readonly NodeRegistry _registry;
    private readonly Allocator _broker;
    private readonly LatestUsage _usage;
    private readonly FeedbackLedger _ledger;
    private readonly MetricsOptions _options;
    private readonly Lock _gate = new();
    private readonly List<SnapshotGauge> _all = [];

    private readonly SnapshotGauge _nodeOnline;
    private readonly SnapshotGauge _nodeCordoned;
    private readonly SnapshotGauge _nodeLastSeen;
    private readonly SnapshotGauge _nodeInfo;
    private readonly SnapshotGauge _nodeAllocations;
    private readonly SnapshotGauge _nodeCpuCapacity;
    private readonly SnapshotGauge _nodeCpuReserved;
    private readonly SnapshotGauge _nodeCpuUsed;
    private readonly SnapshotGauge _nodeMemoryCapacity;
    private readonly SnapshotGauge _nodeMemoryReserved;
    private readonly SnapshotGauge _nodeMemoryUsed;
    private readonly SnapshotGauge _nodeNetworkCapacity;
    private readonly SnapshotGauge _nodeNetworkReserved;
    private readonly SnapshotGauge _nodeNetworkReceive;
    private readonly SnapshotGauge _nodeNetworkTransmit;
    private readonly SnapshotGauge _instanceCpuLimit;
    private readonly SnapshotGauge _instanceMemoryLimit;
    private readonly SnapshotGauge _instanceNetworkLimit;
    private readonly SnapshotGauge _instanceCpuUsed;
    private readonly SnapshotGauge _instanceMemoryUsed;
    private readonly SnapshotGauge _forecastCpu;
    private readonly SnapshotGauge _forecastCpuLower;
    private readonly SnapshotGauge _forecastCpuUpper;
    private readonly SnapshotGauge _forecastMemory;
    private readonly SnapshotGauge _forecastMemoryLower;
    private readonly SnapshotGauge _forecastMemoryUpper;
    private readonly SnapshotGauge _forecastLevel;
    private readonly SnapshotGauge _actualCpu;
    private readonly SnapshotGauge _actualMemory;
    private readonly SnapshotGauge _forecastError;
    private readonly SnapshotGauge _allocations;
    private readonly SnapshotGauge _omitted;
    private readonly Gauge _queued;
    private readonly Gauge _mqttClients;

    public FleetCollector(NodeRegistry registry, Allocator broker, LatestUsage usage, FeedbackLedger ledger, IOptions<MetricsOptions> options, MetricsRegistry metrics, IOptions<ControllerOptions> controller, IServiceProvider services)
    {
        _registry = registry;
        _broker = broker;
        _usage = usage;
        _ledger = ledger;
        _options = options.Value;
        var f = metrics.Factory;
        string[] node = ["node"];
        string[] instance = ["instance", "node", "component"];
        string[] component = ["component", "model"];
        _nodeOnline = Gauge(f, "edge_node_online", "1 when the node (or its last will) last said it is online, else 0", node);
        _nodeCordoned = Gauge(f, "edge_node_cordoned", "1 when an operator cordoned the node (no new placements), else 0", node);
        _nodeLastSeen = Gauge(f, "edge_node_last_seen_timestamp_seconds", "Unix time the controller last heard from the node", node);
        _nodeInfo = Gauge(f, "edge_node_info", "Always 1: the node's pricing tier and provider as labels", ["node", "tier", "provider"]);
        _nodeAllocations = Gauge(f, "edge_node_allocations", "Active allocations the broker holds on the node", node);
        _nodeCpuCapacity = Gauge(f, "edge_node_cpu_capacity_cores", "CPU the node offers, in cores", node);
        _nodeCpuReserved = Gauge(f, "edge_node_cpu_reserved_cores", "CPU the broker has allocated on the node, in cores", node);
        _nodeCpuUsed = Gauge(f, "edge_node_cpu_used_cores", "CPU in use on the node at its last report, in cores", node);
        _nodeMemoryCapacity = Gauge(f, "edge_node_memory_capacity_bytes", "Memory the node offers", node);
        _nodeMemoryReserved = Gauge(f, "edge_node_memory_reserved_bytes", "Memory the broker has allocated on the node", node);
        _nodeMemoryUsed = Gauge(f, "edge_node_memory_used_bytes", "Memory in use on the node at its last report", node);
        _nodeNetworkCapacity = Gauge(f, "edge_node_network_capacity_bytes_per_second", "Network bandwidth the node offers (only nodes that state one)", node);
        _nodeNetworkReserved = Gauge(f, "edge_node_network_reserved_bytes_per_second", "Network bandwidth the broker has allocated on the node (only nodes that state a capacity)", node);
        _nodeNetworkReceive = Gauge(f, "edge_node_network_receive_bytes_per_second", "Network receive rate at the node's last report", node);
        _nodeNetworkTransmit = Gauge(f, "edge_node_network_transmit_bytes_per_second", "Network transmit rate at the node's last report", node);
        _instanceCpuLimit = Gauge(f, "edge_instance_cpu_limit_cores", "CPU limit of the instance's allocation, in cores", instance);
        _instanceMemoryLimit = Gauge(f, "edge_instance_memory_limit_bytes", "Memory limit of the instance's allocation", instance);
        _instanceNetworkLimit = Gauge(f, "edge_instance_network_limit_bytes_per_second", "Network limit of the instance's allocation (only when it has one)", instance);
        _instanceCpuUsed = Gauge(f, "edge_instance_cpu_used_cores", "CPU the instance used at its node's last report, in cores", instance);
        _instanceMemoryUsed = Gauge(f, "edge_instance_memory_used_bytes", "Memory the instance used at its node's last report", instance);
        _forecastCpu = Gauge(f, "edge_component_forecast_cpu_cores", "The component's latest forecast CPU limit, in cores", component);
        _forecastCpuLower = Gauge(f, "edge_component_forecast_cpu_lower_cores", "Lower bound of the latest forecast's CPU interval, in cores", component);
        _forecastCpuUpper = Gauge(f, "edge_component_forecast_cpu_upper_cores", "Upper bound of the latest forecast's CPU interval, in cores", component);
        _forecastMemory = Gauge(f, "edge_component_forecast_memory_bytes", "The component's latest forecast memory limit", component);
        _forecastMemoryLower = Gauge(f, "edge_component_forecast_memory_lower_bytes", "Lower bound of the latest forecast's memory interval", component);
        _forecastMemoryUpper = Gauge(f, "edge_component_forecast_memory_upper_bytes", "Upper bound of the latest forecast's memory interval", component);
        _forecastLevel = Gauge(f, "edge_component_forecast_interval_level_ratio", "Confidence level of the latest forecast's interval (0.9 = 90%)", component);
        _actualCpu = Gauge(f, "edge_component_actual_cpu_peak_cores", "Peak CPU of the component's last finished run, in cores", ["component"]);
        _actualMemory = Gauge(f, "edge_component_actual_memory_peak_bytes", "Peak memory of the component's last finished run", ["component"]);
        _forecastError = Gauge(f, "edge_component_forecast_error_ratio", "Mean absolute forecast error over the component's finished runs: |predicted limit - actual peak| / actual peak", ["component", "resource"]);
        _allocations = Gauge(f, "edge_allocator_allocations", "Allocations the broker holds, by state (active holds capacity; lost: its node went away)", ["state"]);
        _omitted = Gauge(f, "edge_metrics_omitted", "Nodes, instances or components left out of this scrape by Controller:Metrics:MaxNodes/MaxInstances/MaxComponents", ["kind"]);
        _queued = f.CreateGauge("edge_allocator_queued_requests", "Allocation requests waiting in the broker's queue");
        _mqttClients = f.CreateGauge("edge_mqtt_connected_clients", "MQTT clients connected to the embedded broker (0 with an external broker)");
        metrics.Registry.AddBeforeCollectCallback(Collect);
        if (controller.Value.UsesEmbeddedBroker)
        {
            var mqtt = services.GetRequiredService<EmbeddedBroker>();
            metrics.Registry.AddBeforeCollectCallback(async _ => _mqttClients.Set(await mqtt.ConnectedClientsAsync()));
        }
    }

    /// <summary>Rewrites every fleet gauge from the current state.</summary>
    public void Collect()
    {
        var nodes = _broker.GetNodes().ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        var known = _registry.List().ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        var allocations = _broker.GetAllocations();
        var queued = _broker.GetQueue().Count;
        var latest = _ledger.Latest();
        lock (_gate)
        {
            var omittedNodes = CollectNodes(nodes, known);
            var omittedInstances = CollectInstances(allocations);
            var omittedComponents = CollectComponents(allocations, latest);
            _allocations.Set(allocations.Count(a => a.State == AllocationState.Active), "active");
            _allocations.Set(allocations.Count(a => a.State == AllocationState.Lost), "lost");
            _omitted.Set(omittedNodes, "node");
            _omitted.Set(omittedInstances, "instance");
            _omitted.Set(omittedComponents, "component");
            _queued.Set(queued);
            foreach (var gauge in _all)
            {
                gauge.Commit();
            }
        }
    }

    private int CollectNodes(Dictionary<string, NodeView> nodes, Dictionary<string, NodeState> known)
    {
        var ids = nodes.Keys.Union(known.Keys).Order(StringComparer.Ordinal).ToList();
        foreach (var id in ids.Take(_options.MaxNodes))
        {
            var view = nodes.GetValueOrDefault(id);
            var state = known.GetValueOrDefault(id);
            _nodeOnline.Set((state?.Online ?? view?.Online ?? false) ? 1 : 0, id);
            _nodeCordoned.Set(view?.Cordoned == true ? 1 : 0, id);
            if (state is not null)
            {
                _nodeLastSeen.Set(state.LastSeenMs / 1000.0, id);
            }

            var status = state?.Status;
            _nodeInfo.Set(1, id, Tier(view?.Tier ?? status?.Pricing.Tier ?? PricingTier.OnDemand), status?.Provider ?? "");
            if (view is not null)
            {
                _nodeAllocations.Set(view.Allocations, id);
                _nodeCpuCapacity.Set(view.Capacity.CpuMillicores / 1000, id);
                _nodeCpuReserved.Set((view.Capacity.CpuMillicores - view.Free.CpuMillicores) / 1000, id);
                _nodeMemoryCapacity.Set(view.Capacity.MemoryMiB * BytesPerMiB, id);
                _nodeMemoryReserved.Set((view.Capacity.MemoryMiB - view.Free.MemoryMiB) * BytesPerMiB, id);
                if (view.Capacity.NetworkMbps is { } network)
                {
                    _nodeNetworkCapacity.Set(network * BytesPerSecondPerMbps, id);
                    _nodeNetworkReserved.Set((network - (view.Free.NetworkMbps ?? network)) * BytesPerSecondPerMbps, id);
                }
            }

            if (_usage.Node(id) is { } used)
            {
                _nodeCpuUsed.Set(used.CpuCores, id);
                _nodeMemoryUsed.Set(used.MemoryUsedMiB * BytesPerMiB, id);
                _nodeNetworkReceive.Set(used.NetworkRxMbps * BytesPerSecondPerMbps, id);
                _nodeNetworkTransmit.Set(used.NetworkTxMbps * BytesPerSecondPerMbps, id);
            }
        }

        return Math.Max(0, ids.Count - _options.MaxNodes);
    }

    private int CollectInstances(IReadOnlyList<Allocation> allocations)
    {
        var active = allocations.Where(a => a.State == AllocationState.Active).OrderBy(a => a.AllocationId, StringComparer.Ordinal).ToList();
        foreach (var a in active.Take(_options.MaxInstances))
        {
            string[] labels = [a.AllocationId, a.NodeId, a.ComponentId];
            var limits = a.Limits ?? a.Resources;
            _instanceCpuLimit.Set(limits.CpuMillicores / 1000, labels);
            _instanceMemoryLimit.Set(limits.MemoryMiB * BytesPerMiB, labels);
            if (a.Resources.NetworkMbps is { } network)
            {
                _instanceNetworkLimit.Set(network * BytesPerSecondPerMbps, labels);
            }

            if (_usage.Node(a.NodeId)?.Instances.GetValueOrDefault(a.AllocationId) is { } used)
            {
                _instanceCpuUsed.Set(used.CpuCores, labels);
                _instanceMemoryUsed.Set(used.MemoryMiB * BytesPerMiB, labels);
            }
        }

        return Math.Max(0, active.Count - _options.MaxInstances);
    }

    private int CollectComponents(IReadOnlyList<Allocation> allocations, IReadOnlyList<(ComponentSummary Summary, RunRecord? Last)> ledger)
    {
        // The latest forecast: the newest profile among the active allocations and the last finished run's.
        var forecasts = new Dictionary<string, PredictionProfile>(StringComparer.Ordinal);
        void Offer(string component, PredictionProfile? profile)
        {
            if (profile is not null && (!forecasts.TryGetValue(component, out var seen) || profile.GeneratedAtMs > seen.GeneratedAtMs))
            {
                forecasts[component] = profile;
            }
        }

        foreach (var a in allocations.Where(a => a.State == AllocationState.Active))
        {
            Offer(a.ComponentId, a.Profile);
        }

        var finished = ledger.ToDictionary(c => c.Summary.ComponentId, StringComparer.Ordinal);
        foreach (var (summary, last) in ledger)
        {
            Offer(summary.ComponentId, last?.Predicted);
        }

        var ids = forecasts.Keys.Union(finished.Keys).Order(StringComparer.Ordinal).ToList();
        foreach (var id in ids.Take(_options.MaxComponents))
        {
            if (forecasts.TryGetValue(id, out var p))
            {
                string[] labels = [id, p.Model];
                _forecastCpu.Set(p.Cpu / 1000, labels);
                _forecastCpuLower.Set(p.ConfidenceInterval.Cpu.Lower / 1000, labels);
                _forecastCpuUpper.Set(p.ConfidenceInterval.Cpu.Upper / 1000, labels);
                _forecastMemory.Set(p.Memory * BytesPerMiB, labels);
                _forecastMemoryLower.Set(p.ConfidenceInterval.Memory.Lower * BytesPerMiB, labels);
                _forecastMemoryUpper.Set(p.ConfidenceInterval.Memory.Upper * BytesPerMiB, labels);
                _forecastLevel.Set(p.ConfidenceInterval.Level, labels);
            }

            if (finished.TryGetValue(id, out var done))
            {
                if (done.Last is { } last)
                {
                    _actualCpu.Set(last.PeakCpuCores, id);
                    _actualMemory.Set(last.PeakMemoryMiB * BytesPerMiB, id);
                }

                if (done.Summary.CpuMeanAbsoluteError is { } cpu)
                {
                    _forecastError.Set(cpu, id, "cpu");
                }

                if (done.Summary.MemoryMeanAbsoluteError is { } memory)
                {
                    _forecastError.Set(memory, id, "memory");
                }
            }
        }

        return Math.Max(0, ids.Count - _options.MaxComponents);
    }

    private static string Tier(PricingTier tier) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(tier.ToString());

    private SnapshotGauge Gauge(IMetricFactory factory, string name, string help, string[] labels)
    {
        var gauge = new SnapshotGauge(factory.CreateGauge(name, help, labels));
        _all.Add(gauge);
        return gauge;
    }
}
