namespace Edge.Controller.History;

/// <summary>The samples of one series within a queried time range, oldest first.</summary>
internal sealed record SeriesPoints(SeriesInfo Series, IReadOnlyList<HistoryPoint> Points);
