using Edge.Models;
using Edge.Models.Traces;

namespace Edge.Ctl.Backtest;

/// <summary>The parsed and validated arguments of <c>edgectl backtest</c>.</summary>
internal sealed record BacktestRequest
{
    public required TraceFormat Format { get; init; }

    public required string DataDirectory { get; init; }

    public required IReadOnlyList<IRecommender> Recommenders { get; init; }

    public required IReadOnlyList<ResourceKind> Resources { get; init; }

    public double? StepSeconds { get; init; }

    public int StepSamples { get; init; } = 12;

    public double WarmupSeconds { get; init; } = 7 * 86400;

    public double Holdout { get; init; } = 0.3;

    public bool Json { get; init; }

    public string? OutDirectory { get; init; }

    /// <summary>Report file name without <c>.md</c>; charts are named after it.</summary>
    public string ReportName { get; init; } = "backtest-report";

    public int Parallelism { get; init; } = 2;

    public bool Sweep { get; init; } = true;

    /// <summary>Fit trainable recommenders (lstm) on the tuning part before the run, instead of their shipped models.</summary>
    public bool Train { get; init; }

    public string? ExampleSeries { get; init; }

    /// <summary>
    /// Synthesise announced bursts this many seconds ahead (<c>--signals bursts</c>) and run every recommender also as
    /// <c>{name}+signals</c>; null: no signals.
    /// </summary>
    public double? SignalLeadSeconds { get; init; }

    public int MinScored { get; init; } = 288;

    public double PricePerCoreHour { get; init; } = 0.021811;

    public double PricePerGiBHour { get; init; } = 0.002923;

    /// <summary>The command line as typed, quoted into the report so it can be reproduced.</summary>
    public string CommandLine { get; init; } = "";
}
