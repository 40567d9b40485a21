using System.Globalization;
using Edge.Common.Contracts;

namespace Edge.Models.Traces;

/// <summary>
/// Reads Edge's history export: CSV files (optionally gzipped) with the header <c>timestamp_ms,node,scope,metric,value</c>,
/// one metric sample per line, as published on <c>nodes/{node}/metrics</c>. A series is one (node, scope, resource):
/// CPU from <c>cpu.usage.cores</c>, memory from <c>mem.current.mib</c> (instances, cgroups) or <c>mem.used.mib</c>
/// (nodes), network as the larger of <c>net.rx.mbps</c> and <c>net.tx.mbps</c> at each second (the busier direction: what
/// the controller learns as a run's network peak and caps each direction at). Other metrics are ignored. Timestamps become Unix seconds;
/// a repeated (series, second) keeps its first value.
/// </summary>
public static class EdgeHistoryReader
{
    public const string Header = "timestamp_ms,node,scope,metric,value";

    public static TraceLoadResult Read(string directory, IReadOnlyCollection<ResourceKind> resources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var log = new TraceIssueLog();
        var points = new SortedDictionary<(string Id, ResourceKind Resource), SortedDictionary<long, double>>();
        var read = 0;
        foreach (var file in TraceFiles.List(directory, ".csv", ".csv.gz"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                ReadFile(file, resources, points, log);
                read++;
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                log.BadFile(file, ex.Message);
            }
        }

        var series = points
            .Where(p => p.Value.Count > 0)
            .Select(p => new UsageSeries(p.Key.Id, p.Key.Resource, [.. p.Value.Keys], [.. p.Value.Values]))
            .ToList();
        return new TraceLoadResult(series, log.Issues, read, log.FilesSkipped, log.LinesSkipped);
    }

    private static void ReadFile(
        string file,
        IReadOnlyCollection<ResourceKind> resources,
        SortedDictionary<(string, ResourceKind), SortedDictionary<long, double>> points,
        TraceIssueLog log)
    {
        using var reader = TraceFiles.OpenText(file);
        var lineNumber = 0;
        var network = new Dictionary<(string, long), double>();
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (!string.Equals(line.Trim(), Header, StringComparison.Ordinal))
                {
                    log.BadFile(file, $"header is '{line.Trim()}', expected '{Header}'");
                    return;
                }

                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            var f = line.Split(',');
            if (f.Length != 5
                || !long.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
                || !double.TryParse(f[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                || !double.IsFinite(value) || f[1].Length == 0 || f[2].Length == 0)
            {
                log.BadLine(file, lineNumber, $"expected timestamp_ms,node,scope,metric,value; got '{line}'");
                continue;
            }

            var resource = ResourceOf(f[3]);
            if (resource is not { } kind || !resources.Contains(kind))
            {
                continue;
            }

            var id = $"{f[1]}/{f[2]}";
            var second = ms / 1000;
            if (!points.TryGetValue((id, kind), out var byTime))
            {
                points[(id, kind)] = byTime = [];
            }

            if (kind == ResourceKind.Network)
            {
                var key = (id, second);
                var busier = network.TryGetValue(key, out var other) ? Math.Max(other, value) : value;
                network[key] = busier;
                byTime[second] = busier;
            }
            else
            {
                byTime.TryAdd(second, value);
            }
        }
    }

    private static ResourceKind? ResourceOf(string metric) => metric switch
    {
        MetricNames.CpuCores => ResourceKind.Cpu,
        MetricNames.MemoryCurrentMiB or MetricNames.MemoryUsedMiB => ResourceKind.Memory,
        MetricNames.NetworkRxMbps or MetricNames.NetworkTxMbps => ResourceKind.Network,
        _ => null,
    };
}
