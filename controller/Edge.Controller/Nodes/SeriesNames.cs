namespace Edge.Controller.Nodes;

/// <summary>What a sample's scope and metric may be: 1 to <see cref="NodeReportOptions.MaxSeriesNameLength"/> printable ASCII characters, no spaces.</summary>
internal static class SeriesNames
{
    public static ReportProblem? Problem(string? scope, string? metric, NodeReportOptions bounds)
    {
        if (!Valid(scope, bounds) || !Valid(metric, bounds))
        {
            return new ReportProblem(
                RefusalReason.SeriesName,
                $"series '{NodeStatusCheck.Cut(scope)}' '{NodeStatusCheck.Cut(metric)}' must be 1 to {bounds.MaxSeriesNameLength} printable ASCII characters without spaces");
        }

        return null;
    }

    private static bool Valid(string? name, NodeReportOptions bounds) =>
        !string.IsNullOrEmpty(name) && name.Length <= bounds.MaxSeriesNameLength && name.All(c => c is > ' ' and < '\u007f');
}
