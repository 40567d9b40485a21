namespace Edge.Controller.Nodes;

/// <summary>
/// Why part of a node's report was refused or corrected: the <c>reason</c> tag of <c>edge.nodes.refused</c>.
/// Whole messages that cannot be decoded are counted by ingest (<c>edge.ingest.rejected</c>) instead.
/// </summary>
internal static class RefusalReason
{
    /// <summary>A status with a field outside <see cref="NodeReportOptions"/> (capacity, price, tier, labels, text, timestamp); the previous one stays.</summary>
    public const string StatusOutOfBounds = "status-out-of-bounds";

    /// <summary>A status raising capacity beyond <see cref="NodeReportOptions.CapacityRiseFactor"/> within one agent boot; the previous one stays.</summary>
    public const string CapacityJump = "capacity-jump";

    /// <summary>A capacity rise beyond the factor on a new boot: accepted (under the absolute bounds) and logged.</summary>
    public const string CapacityRoseOnNewBoot = "capacity-rose-new-boot";

    /// <summary>A sample whose value is NaN, infinite or negative: the sample is dropped, the batch kept.</summary>
    public const string SampleNotFinite = "sample-not-finite";

    /// <summary>A sample above its physical bound (node capacity, 100 %, <see cref="NodeReportOptions.MaxSampleValue"/>): dropped.</summary>
    public const string SampleOutOfBounds = "sample-out-of-bounds";

    /// <summary>A sample whose scope or metric name is empty, too long or outside printable ASCII: dropped.</summary>
    public const string SeriesName = "series-name";

    /// <summary>A sample of a new series beyond <see cref="NodeReportOptions.MaxSeriesPerNode"/>: dropped.</summary>
    public const string SeriesCap = "series-cap";

    /// <summary>An event value that is not finite, negative or too large, or beyond the count: the value is dropped, the event kept.</summary>
    public const string EventValue = "event-value";

    /// <summary>An event whose timestamp is not a Unix time or too far ahead: the controller's receive time is used instead.</summary>
    public const string EventTimestamp = "event-timestamp";

    /// <summary>An event naming an invalid instance, component, run or command id: refused.</summary>
    public const string EventId = "event-id";

    /// <summary>An instance event or instance sample from a node the controller never placed that instance on: refused.</summary>
    public const string ForeignInstance = "foreign-instance";

    /// <summary>A run peak above the instance's limit (times the slack) or the node's capacity: clamped before the ledger.</summary>
    public const string RunPeakClamped = "run-peak-clamped";
}
