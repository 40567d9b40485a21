namespace Edge.Ctl.Backtest;

/// <summary>Exit codes of <c>edgectl backtest</c> (documented in docs/forecasting.md).</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Invalid arguments (also what System.CommandLine returns for a parse error).</summary>
    public const int InvalidArguments = 1;

    /// <summary>The data folder is missing or no series had enough samples to score.</summary>
    public const int NoUsableData = 2;

    /// <summary>The report could not be written.</summary>
    public const int OutputFailed = 3;

    public const int Cancelled = 130;
}
