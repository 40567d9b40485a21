
namespace Edge.Controller.History;

/// <summary>
/// The metric history: time series keyed by (node, scope, metric), appended by one writer, queried by time range.
/// Each caller that appends holds its own <see cref="IHistoryWriter"/>; queries open their own short-lived session.
/// </summary>
internal interface IHistoryStore
{
    /// <summary>True once the store has been opened (and recovered) and until it is disposed.</summary>
    bool IsOpen { get; }

    /// <summary>What recovery found and did at open (<see cref="HistoryRecovery.None"/> before it).</summary>
    HistoryRecovery Recovery { get; }

    /// <summary>Opens the store and recovers the latest checkpoint, if any.</summary>
    Task OpenAsync(CancellationToken cancellationToken);

    /// <summary>A writer with its own session; use it from one logical caller only, dispose it before the store.</summary>
    IHistoryWriter OpenWriter();

    bool HasNode(string node);

    IReadOnlyList<SeriesInfo> ListSeries(string node);

    /// <summary>Samples of the node's series matching <paramref name="scope"/> and <paramref name="metric"/> (null = any) with from &lt;= t &lt;= to.</summary>
    IReadOnlyList<SeriesPoints> Query(string node, string? scope, string? metric, long fromMs, long toMs, CancellationToken cancellationToken);
}
