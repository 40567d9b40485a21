namespace Edge.Common.Contracts;

/// <summary>
/// Upcoming work announced by an integration (a job scheduler's queue, a batch at time T, a scheduled event), sent on
/// <c>{prefix}/v1/signals</c> or to <c>POST /api/signals</c>. It names a component (the id the controller forecasts)
/// or a label (a step name, matching every component run as that step), when the work starts and (optionally) ends,
/// and its expected volume in the integration's own unit (jobs, files, requests): the forecasters learn what one unit
/// of volume means from the usage seen in earlier announced windows.
/// </summary>
public sealed record WorkAnnouncement : IWireMessage
{
    public int SchemaVersion { get; init; } = SchemaVersions.Current;

    /// <summary>Optional; the controller assigns one when absent. Announcing the same id again replaces it.</summary>
    public string? Id { get; init; }

    /// <summary>The component the work is for; this or <see cref="Label"/>.</summary>
    public string? Component { get; init; }

    /// <summary>A step name matching every component run as that step; this or <see cref="Component"/>.</summary>
    public string? Label { get; init; }

    /// <summary>When the work starts (Unix milliseconds).</summary>
    public required long StartMs { get; init; }

    /// <summary>When it is expected to end (Unix milliseconds); absent: one hour after the start.</summary>
    public long? EndMs { get; init; }

    /// <summary>Expected volume (positive, any unit the integration keeps to).</summary>
    public required double Volume { get; init; }

    /// <summary>Who announced it (free text, for operators).</summary>
    public string? Source { get; init; }

    /// <summary>Default length of an announced window without <see cref="EndMs"/>.</summary>
    public const long DefaultDurationMs = 3_600_000;

    /// <summary>Longest announced window accepted (7 days).</summary>
    public const long MaxDurationMs = 7 * 86_400_000L;

    /// <summary>Every problem with the announcement, each naming the offending field and value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if ((Component is null) == (Label is null))
        {
            errors.Add("exactly one of component and label must be given");
        }

        if (Component is not null && !IdValidator.IsValidComponentId(Component, out var componentError))
        {
            errors.Add($"component: {componentError}");
        }

        if (Label is not null && !IdValidator.IsValidSegment(Label, out var labelError))
        {
            errors.Add($"label: {labelError}");
        }

        if (Id is not null && !IdValidator.IsValidSegment(Id, out var idError))
        {
            errors.Add($"id: {idError}");
        }

        if (StartMs <= 0)
        {
            errors.Add($"startMs {StartMs} must be a positive Unix time in milliseconds");
        }

        if (EndMs is { } end && (end <= StartMs || end - StartMs > MaxDurationMs))
        {
            errors.Add($"endMs {end} must be after startMs {StartMs} and at most 7 days later");
        }

        if (!double.IsFinite(Volume) || Volume <= 0)
        {
            errors.Add($"volume {Volume} must be a positive finite number");
        }

        if (Source is { Length: > 200 })
        {
            errors.Add($"source is {Source.Length} characters long, more than 200");
        }

        return errors;
    }
}
