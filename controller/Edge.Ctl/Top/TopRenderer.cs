using System.Globalization;
using System.Text;
using Edge.Common.Contracts;

namespace Edge.Ctl.Top;

/// <summary>Formats snapshots as a plain-text table: one line per node, one per running instance under it.</summary>
internal static class TopRenderer
{
    public static string Render(IReadOnlyList<NodeSnapshot> nodes, DateTimeOffset now)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"edge top  {now:yyyy-MM-dd HH:mm:ss}Z  {nodes.Count} node(s)\n");
        sb.Append(CultureInfo.InvariantCulture, $"{"NODE / INSTANCE",-28} {"STATE",-8} {"CPU cores",-16} {"MEMORY MiB",-20} {"NET rx/tx Mbps",-16} {"PSI cpu",7}\n");
        foreach (var node in nodes.OrderBy(n => n.NodeId, StringComparer.Ordinal))
        {
            var cpu = Pair(node.Node(MetricNames.CpuCores), node.CapacityCores, "0.00");
            var mem = Pair(node.Node(MetricNames.MemoryUsedMiB), node.CapacityMiB, "0");
            var net = Pair(node.Node(MetricNames.NetworkRxMbps), node.Node(MetricNames.NetworkTxMbps), "0.00");
            var psi = Format(node.Node(MetricNames.Pressure("cpu", "some")), "0.0");
            sb.Append(CultureInfo.InvariantCulture, $"{Clip(node.NodeId, 28),-28} {(node.Online ? "online" : "OFFLINE"),-8} {cpu,-16} {mem,-20} {net,-16} {psi,7}\n");
            foreach (var scope in node.Instances)
            {
                var icpu = Pair(node.Value(scope, MetricNames.CpuCores), node.Value(scope, MetricNames.CpuLimitCores), "0.00");
                var imem = Pair(node.Value(scope, MetricNames.MemoryCurrentMiB), node.Value(scope, MetricNames.MemoryLimitMiB), "0");
                var inet = Pair(node.Value(scope, MetricNames.NetworkRxMbps), node.Value(scope, MetricNames.NetworkTxMbps), "0.00");
                var throttled = node.Value(scope, MetricNames.ThrottledPeriods) is > 0 ? "throttled" : "";
                sb.Append(CultureInfo.InvariantCulture, $"  {Clip(scope["instance/".Length..], 26),-26} {"running",-8} {icpu,-16} {imem,-20} {inet,-16} {throttled,7}\n");
            }
        }

        return sb.ToString();
    }

    private static string Pair(double? used, double? of, string format) =>
        $"{Format(used, format)}/{Format(of, format)}";

    private static string Format(double? value, string format) =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
