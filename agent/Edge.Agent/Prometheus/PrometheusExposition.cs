using System.Diagnostics.Metrics;
using Edge.Agent.Publishing;
using Edge.Common.Contracts;

namespace Edge.Agent.Prometheus;

/// <summary>
/// Renders <c>/metrics</c>: the last batch's node, instance and cgroup samples under Prometheus names in base units
/// (bytes, ratios, seconds), throttling and OOM kills as counters, the agent's own meters, spool depth and MQTT state.
/// Per-interface network and pressure samples are left to node_exporter, which already exports them.
/// </summary>
internal sealed class PrometheusExposition(SampleSnapshot samples, MeterSnapshot meters, OfflineSpool spool, AgentLink link)
{
    private const double MiB = 1024 * 1024;

    /// <summary>Wire metric → Prometheus suffix, type, help, factor to base units.</summary>
    private static readonly Dictionary<string, (string Suffix, string Type, string Help, double Factor)> Known = new(StringComparer.Ordinal)
    {
        [MetricNames.CpuCores] = ("cpu_usage_cores", "gauge", "CPU in use over the last sample interval, in cores", 1),
        [MetricNames.CpuUtilisationPercent] = ("cpu_utilisation_ratio", "gauge", "CPU busy over the last sample interval, 0 to 1", 0.01),
        [MetricNames.CpuLimitCores] = ("cpu_limit_cores", "gauge", "CPU limit enforced, in cores", 1),
        [MetricNames.MemoryTotalMiB] = ("memory_total_bytes", "gauge", "Memory installed", MiB),
        [MetricNames.MemoryAvailableMiB] = ("memory_available_bytes", "gauge", "Memory available for new work", MiB),
        [MetricNames.MemoryUsedMiB] = ("memory_used_bytes", "gauge", "Memory in use", MiB),
        [MetricNames.MemoryCurrentMiB] = ("memory_usage_bytes", "gauge", "Memory charged to the group", MiB),
        [MetricNames.MemoryPeakMiB] = ("memory_peak_bytes", "gauge", "Highest memory charged to the group", MiB),
        [MetricNames.MemoryLimitMiB] = ("memory_limit_bytes", "gauge", "Memory limit enforced", MiB),
        [MetricNames.OomKills] = ("oom_kills_total", "counter", "Processes of the group killed by the OOM killer", 1),
        [MetricNames.NetworkRxMbps] = ("network_receive_bytes_per_second", "gauge", "Bytes received per second over the last sample interval", 1e6 / 8),
        [MetricNames.NetworkTxMbps] = ("network_transmit_bytes_per_second", "gauge", "Bytes sent per second over the last sample interval", 1e6 / 8),
    };

    public string Render()
    {
        var text = new PrometheusText();
        var (batch, throttled, collected, batches) = samples.Read();
        RenderSamples(text, batch);
        RenderThrottling(text, throttled);

        text.Family("edge_agent_samples_collected_total", "counter", "Samples collected into metric batches since start");
        text.Series("edge_agent_samples_collected_total", "", collected);
        text.Family("edge_agent_metric_batches_total", "counter", "Metric batches built since start");
        text.Series("edge_agent_metric_batches_total", "", batches);
        text.Family("edge_agent_last_batch_samples", "gauge", "Samples in the last metric batch");
        text.Series("edge_agent_last_batch_samples", "", batch.Length);
        text.Family("edge_agent_spool_records", "gauge", "Messages waiting in the offline spool for the broker");
        text.Series("edge_agent_spool_records", "", spool.Count);
        text.Family("edge_agent_spool_bytes", "gauge", "Bytes in the offline spool");
        text.Series("edge_agent_spool_bytes", "", spool.Bytes);
        text.Family("edge_agent_mqtt_connected", "gauge", "1 when the agent is connected to the broker, else 0");
        text.Series("edge_agent_mqtt_connected", "", link.Connection.IsConnected ? 1 : 0);
        RenderMeters(text);
        return text.ToString();
    }

    private static void RenderSamples(PrometheusText text, MetricSample[] batch)
    {
        // Group by family first: the format wants every series of a family after its one TYPE line.
        var families = new SortedDictionary<string, (string Type, string Help, List<(string Labels, double Value)> Series)>(StringComparer.Ordinal);
        foreach (var sample in batch)
        {
            if (Map(sample) is not { } mapped)
            {
                continue;
            }

            if (!families.TryGetValue(mapped.Name, out var family))
            {
                families[mapped.Name] = family = (mapped.Type, mapped.Help, []);
            }

            family.Series.Add((mapped.Labels, mapped.Value));
        }

        foreach (var (name, family) in families)
        {
            text.Family(name, family.Type, family.Help);
            foreach (var (labels, value) in family.Series)
            {
                text.Series(name, labels, value);
            }
        }
    }

    private static (string Name, string Type, string Help, string Labels, double Value)? Map(MetricSample sample)
    {
        if (Scope(sample.Scope) is not { } scope)
        {
            return null;
        }

        if (Known.TryGetValue(sample.Metric, out var known))
        {
            return (scope.Prefix + known.Suffix, known.Type, known.Help, scope.Labels, sample.Value * known.Factor);
        }

        // cpu.core.{n}.util.percent on the node.
        if (scope.Labels.Length == 0 && sample.Metric.StartsWith("cpu.core.", StringComparison.Ordinal) && sample.Metric.EndsWith(".util.percent", StringComparison.Ordinal))
        {
            var core = sample.Metric["cpu.core.".Length..^".util.percent".Length];
            return (scope.Prefix + "cpu_core_utilisation_ratio", "gauge", "One core busy over the last sample interval, 0 to 1", PrometheusText.Label("core", core), sample.Value / 100);
        }

        return null;
    }

    private static (string Prefix, string Labels)? Scope(string scope)
    {
        if (scope == MetricNames.NodeScope)
        {
            return ("edge_agent_node_", "");
        }

        if (scope.StartsWith(MetricNames.InstanceScopePrefix, StringComparison.Ordinal))
        {
            return ("edge_agent_instance_", PrometheusText.Label("instance_id", scope[MetricNames.InstanceScopePrefix.Length..]));
        }

        if (scope.StartsWith(MetricNames.CgroupScopePrefix, StringComparison.Ordinal))
        {
            return ("edge_agent_cgroup_", PrometheusText.Label("cgroup", scope[MetricNames.CgroupScopePrefix.Length..]));
        }

        return null;
    }

    private static void RenderThrottling(PrometheusText text, KeyValuePair<string, (double Periods, double Seconds)>[] throttled)
    {
        foreach (var (prefix, scopePrefix, label) in (ReadOnlySpan<(string, string, string)>)[("edge_agent_instance_", MetricNames.InstanceScopePrefix, "instance_id"), ("edge_agent_cgroup_", MetricNames.CgroupScopePrefix, "cgroup")])
        {
            var rows = throttled.Where(t => t.Key.StartsWith(scopePrefix, StringComparison.Ordinal)).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            text.Family(prefix + "cpu_throttled_periods_total", "counter", "CPU periods in which the group was throttled, since the agent saw it first");
            foreach (var row in rows)
            {
                text.Series(prefix + "cpu_throttled_periods_total", PrometheusText.Label(label, row.Key[scopePrefix.Length..]), row.Value.Periods);
            }

            text.Family(prefix + "cpu_throttled_seconds_total", "counter", "Time the group was throttled, since the agent saw it first");
            foreach (var row in rows)
            {
                text.Series(prefix + "cpu_throttled_seconds_total", PrometheusText.Label(label, row.Key[scopePrefix.Length..]), row.Value.Seconds);
            }
        }
    }

    private void RenderMeters(PrometheusText text)
    {
        foreach (var (instrument, series) in meters.Read().OrderBy(i => i.Instrument.Name, StringComparer.Ordinal))
        {
            var name = PrometheusText.Name(instrument.Name);
            var help = string.IsNullOrEmpty(instrument.Description) ? instrument.Name : instrument.Description;
            if (instrument is Histogram<double>)
            {
                // Milliseconds are written in seconds, the base unit; a summary with no quantiles is count and sum.
                var scale = instrument.Unit == "ms" ? 0.001 : 1;
                name += instrument.Unit == "ms" ? "_seconds" : "";
                text.Family(name, "summary", help);
                foreach (var (labels, sum, count) in series)
                {
                    text.Series(name + "_sum", labels, sum * scale);
                    text.Series(name + "_count", labels, count);
                }

                if (series.Count == 0)
                {
                    text.Series(name + "_sum", "", 0);
                    text.Series(name + "_count", "", 0);
                }

                continue;
            }

            name = name.EndsWith("_total", StringComparison.Ordinal) ? name : name + "_total";
            text.Family(name, "counter", help);
            foreach (var (labels, sum, _) in series)
            {
                text.Series(name, labels, sum);
            }

            if (series.Count == 0)
            {
                text.Series(name, "", 0);
            }
        }
    }
}
