using System.Text.Json.Serialization;

namespace Edge.Controller.Forecasters;

/// <summary>
/// <c>{DataDirectory}/models/lstm/v{Version}/version.json</c>: what a promoted LSTM version is. The networks and their
/// own manifests (options, losses, calibration) are beside it (<c>lstm-cpu.pt/json</c>, <c>lstm-memory.pt/json</c>).
/// </summary>
internal sealed record LiveLstmManifest
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>1 for the first promoted model, +1 per promotion.</summary>
    public int Version { get; init; }

    /// <summary>What started the training: <c>first</c>, <c>schedule</c> or <c>drift</c>.</summary>
    public string Trigger { get; init; } = "";

    public long TrainedAtS { get; init; }

    /// <summary>Start times (Unix seconds) of the first and last run it was trained on.</summary>
    public long DataFromS { get; init; }

    public long DataToS { get; init; }

    public int Components { get; init; }

    public int TrainingRuns { get; init; }

    public int HeldOutRuns { get; init; }

    /// <summary>Held-out cost (slack % + 10 per violation point above target, CPU + memory): this model's, and the incumbent's (null when there was none).</summary>
    public double HeldOutCost { get; init; }

    public double? IncumbentCost { get; init; }

    public int? IncumbentVersion { get; init; }

    public double TrainingSeconds { get; init; }

    public int Layers { get; init; }

    public int HiddenSize { get; init; }

    public int ContextRuns { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LiveLstmManifest))]
internal sealed partial class LiveLstmJsonContext : JsonSerializerContext;
