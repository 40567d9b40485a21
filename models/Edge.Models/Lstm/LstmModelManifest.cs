namespace Edge.Models.Lstm;

/// <summary>
/// The JSON sidecar of a saved model: format and model version, the options it was built with, the data window it
/// saw, its training history and the held-out calibration records.
/// </summary>
public sealed record LstmModelManifest
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Starts at 1 after a fit; every online update adds one.</summary>
    public int ModelVersion { get; init; }

    public ResourceKind Resource { get; init; }

    public LstmOptions Options { get; init; } = new();

    /// <summary>First and last sample time (Unix seconds) of all data the model has learnt from.</summary>
    public long DataFromS { get; init; }

    public long DataToS { get; init; }

    public int SeriesCount { get; init; }

    public long ExampleCount { get; init; }

    public IReadOnlyList<double> EpochLosses { get; init; } = [];

    /// <summary>Mean pinball loss on the held-out examples after training (NaN when nothing was held out).</summary>
    public double HoldoutLoss { get; init; } = double.NaN;

    public IReadOnlyList<LstmCalibrationRecord> Calibration { get; init; } = [];
}
