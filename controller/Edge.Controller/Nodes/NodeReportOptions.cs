namespace Edge.Controller.Nodes;

/// <summary>
/// Bounds on what a node may report (section <c>Controller:NodeReports</c>). A node's credentials let it publish
/// anything on its own topics, so its status, metric samples and events are checked against these before they
/// reach the node registry, the placement inventory, the feedback ledger or the history store.
/// </summary>
internal sealed record NodeReportOptions
{
    public const string SectionName = "Controller:NodeReports";

    /// <summary>Largest node capacity accepted, in cores (a status above it is refused).</summary>
    public double MaxCpuCores { get; init; } = 1024;

    /// <summary>Largest node memory accepted, in MiB (16 TiB).</summary>
    public double MaxMemoryMiB { get; init; } = 16 * 1024 * 1024;

    /// <summary>Largest network bandwidth accepted, in Mbps (capacity and <c>*.mbps</c> samples).</summary>
    public double MaxNetworkMbps { get; init; } = 400_000;

    /// <summary>Highest price per core-hour accepted; prices must also be finite and not negative.</summary>
    public double MaxCostPerCoreHour { get; init; } = 1_000;

    /// <summary>Highest price per GiB-hour accepted.</summary>
    public double MaxCostPerGiBHour { get; init; } = 1_000;

    /// <summary>Most labels on one node.</summary>
    public int MaxLabels { get; init; } = 64;

    /// <summary>Longest label key (letters, digits, <c>. _ - /</c>).</summary>
    public int MaxLabelKeyLength { get; init; } = 63;

    /// <summary>Longest label value (printable, no control characters).</summary>
    public int MaxLabelValueLength { get; init; } = 256;

    /// <summary>Longest provider name and other free text of a status (agent version, boot id, enforcement mode).</summary>
    public int MaxTextLength { get; init; } = 128;

    /// <summary>
    /// Within one agent boot (same boot id) capacity is fixed; a status raising either capacity by more than this
    /// factor over the last accepted one is refused. On a new boot id the rise is accepted (still under the
    /// absolute bounds) and logged.
    /// </summary>
    public double CapacityRiseFactor { get; init; } = 2;

    /// <summary>How far in the future a status or event timestamp may lie (clock skew).</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Distinct series (scope, metric) one node may create; samples of further new series are refused.</summary>
    public int MaxSeriesPerNode { get; init; } = 10_000;

    /// <summary>Longest scope or metric name of a sample (printable ASCII, no spaces).</summary>
    public int MaxSeriesNameLength { get; init; } = 200;

    /// <summary>Largest sample value of a metric with no tighter bound (counters, bytes, rates).</summary>
    public double MaxSampleValue { get; init; } = 1e15;

    /// <summary>
    /// Slack over the node's accepted capacity for CPU (cores) samples, and over an instance's CPU limit for its
    /// run peak: usage is measured over an interval and a CPU quota is enforced per period, so it may overshoot.
    /// </summary>
    public double CpuSlack { get; init; } = 1.5;

    /// <summary>
    /// Slack over the node's capacity for an instance's memory samples, and over an instance's memory limit for its
    /// run peak (a cgroup's peak may exceed its limit by pages in flight).
    /// </summary>
    public double MemorySlack { get; init; } = 1.01;

    /// <summary>Most numeric values in one event.</summary>
    public int MaxEventValues { get; init; } = 32;

    /// <summary>At most one warning per node and reason per interval; the next says how many were not logged.</summary>
    public TimeSpan LogInterval { get; init; } = TimeSpan.FromMinutes(1);
}
