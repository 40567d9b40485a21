using System.Globalization;
using Edge.Common.Contracts;

namespace Edge.Controller.Nodes;

/// <summary>
/// Range-checks a node's status against <see cref="NodeReportOptions"/> and against the node's last accepted status:
/// capacity (finite, above 0 when online, under the absolute bounds, no more than a factor above the last one within
/// one boot), prices, provider, tier, labels and free text. Returns the first problem, naming the value, or null.
/// </summary>
internal static class NodeStatusCheck
{
    public static ReportProblem? Problem(NodeStatus status, NodeStatus? previous, NodeReportOptions bounds, long nowMs)
    {
        if (status.TimestampMs <= 0 || status.TimestampMs > nowMs + (long)bounds.MaxClockSkew.TotalMilliseconds)
        {
            return Bad($"timestampMs {status.TimestampMs} is not a Unix time in ms at most {bounds.MaxClockSkew} ahead of the controller's clock");
        }

        return Capacity(status, bounds) ?? Pricing(status, bounds) ?? Text(status, bounds) ?? Labels(status.Labels, bounds) ?? Rise(status, previous, bounds);
    }

    private static ReportProblem? Capacity(NodeStatus status, NodeReportOptions bounds)
    {
        if (status.Capacity is not { } capacity)
        {
            return Bad("capacity is missing");
        }

        // A last will may carry zero capacity; an online node offering nothing is a mistake or a trick.
        var min = status.Online ? double.Epsilon : 0;
        if (!InRange(capacity.CpuMillicores, min, bounds.MaxCpuCores * 1000))
        {
            return Bad($"capacity.cpuMillicores {F(capacity.CpuMillicores)} is outside ({F(min)}, {F(bounds.MaxCpuCores * 1000)}]");
        }

        if (!InRange(capacity.MemoryMiB, min, bounds.MaxMemoryMiB))
        {
            return Bad($"capacity.memoryMiB {F(capacity.MemoryMiB)} is outside ({F(min)}, {F(bounds.MaxMemoryMiB)}]");
        }

        if (capacity.NetworkMbps is { } network && !InRange(network, 0, bounds.MaxNetworkMbps))
        {
            return Bad($"capacity.networkMbps {F(network)} is outside [0, {F(bounds.MaxNetworkMbps)}]");
        }

        return null;
    }

    private static ReportProblem? Pricing(NodeStatus status, NodeReportOptions bounds)
    {
        if (status.Pricing is not { } pricing)
        {
            return Bad("pricing is missing");
        }

        if (!Enum.IsDefined(pricing.Tier))
        {
            return Bad($"pricing.tier {(int)pricing.Tier} is not a known tier");
        }

        if (!InRange(pricing.CostPerCoreHour, 0, bounds.MaxCostPerCoreHour))
        {
            return Bad($"pricing.costPerCoreHour {F(pricing.CostPerCoreHour)} is outside [0, {F(bounds.MaxCostPerCoreHour)}]");
        }

        return InRange(pricing.CostPerGiBHour, 0, bounds.MaxCostPerGiBHour)
            ? null
            : Bad($"pricing.costPerGiBHour {F(pricing.CostPerGiBHour)} is outside [0, {F(bounds.MaxCostPerGiBHour)}]");
    }

    private static ReportProblem? Text(NodeStatus status, NodeReportOptions bounds)
    {
        if (!Enum.IsDefined(status.CgroupMode))
        {
            return Bad($"cgroupMode {(int)status.CgroupMode} is not a known mode");
        }

        if (string.IsNullOrEmpty(status.Provider) || status.Provider.Length > bounds.MaxTextLength || !status.Provider.All(IsNameChar))
        {
            return Bad($"provider '{Cut(status.Provider)}' must be 1 to {bounds.MaxTextLength} letters, digits, '.', '_', '-' or '/'");
        }

        foreach (var (field, value) in new[] { ("agentVersion", status.AgentVersion), ("bootId", status.BootId), ("enforcementMode", status.EnforcementMode) })
        {
            if (value is null || value.Length > bounds.MaxTextLength || !value.All(IsPrintable))
            {
                return Bad($"{field} '{Cut(value)}' must be at most {bounds.MaxTextLength} printable characters");
            }
        }

        return null;
    }

    private static ReportProblem? Labels(IReadOnlyDictionary<string, string>? labels, NodeReportOptions bounds)
    {
        if (labels is null)
        {
            return Bad("labels is missing");
        }

        if (labels.Count > bounds.MaxLabels)
        {
            return Bad($"{labels.Count} labels, more than {bounds.MaxLabels}");
        }

        foreach (var (key, value) in labels)
        {
            if (string.IsNullOrEmpty(key) || key.Length > bounds.MaxLabelKeyLength || !key.All(IsNameChar))
            {
                return Bad($"label key '{Cut(key)}' must be 1 to {bounds.MaxLabelKeyLength} letters, digits, '.', '_', '-' or '/'");
            }

            if (value is null || value.Length > bounds.MaxLabelValueLength || !value.All(IsPrintable))
            {
                return Bad($"label '{key}' value '{Cut(value)}' must be at most {bounds.MaxLabelValueLength} printable characters");
            }
        }

        return null;
    }

    private static ReportProblem? Rise(NodeStatus status, NodeStatus? previous, NodeReportOptions bounds)
    {
        // Within one agent process capacity is configuration read once; a jump there is not the operator's doing.
        if (previous?.Capacity is not { } before || status.BootId != previous.BootId || !status.Online)
        {
            return null;
        }

        var now = status.Capacity;
        if (now.CpuMillicores > before.CpuMillicores * bounds.CapacityRiseFactor || now.MemoryMiB > before.MemoryMiB * bounds.CapacityRiseFactor)
        {
            return new ReportProblem(
                RefusalReason.CapacityJump,
                $"capacity rose from {F(before.CpuMillicores)} mcores / {F(before.MemoryMiB)} MiB to {F(now.CpuMillicores)} mcores / {F(now.MemoryMiB)} MiB within boot '{status.BootId}', more than ×{F(bounds.CapacityRiseFactor)}");
        }

        return null;
    }

    /// <summary>True for a capacity rise beyond the factor on a new boot: accepted, but worth a warning.</summary>
    public static bool RoseOnNewBoot(NodeStatus status, NodeStatus? previous, NodeReportOptions bounds) =>
        previous?.Capacity is { } before && status.Online && status.BootId != previous.BootId
        && (status.Capacity.CpuMillicores > before.CpuMillicores * bounds.CapacityRiseFactor || status.Capacity.MemoryMiB > before.MemoryMiB * bounds.CapacityRiseFactor);

    internal static bool InRange(double value, double min, double max) => double.IsFinite(value) && value >= min && value <= max;

    internal static bool IsPrintable(char c) => !char.IsControl(c) && c is not ('\u2028' or '\u2029');

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/';

    private static ReportProblem Bad(string detail) => new(RefusalReason.StatusOutOfBounds, detail);

    internal static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    internal static string Cut(string? value) => value is null ? "null" : value.Length <= 32 ? Sanitise(value) : Sanitise(value[..32]) + "…";

    private static string Sanitise(string value) => string.Concat(value.Select(c => IsPrintable(c) ? c.ToString() : $"\\u{(int)c:x4}"));
}
