namespace Edge.Models.Lstm;

/// <summary>
/// Complexity and learning settings of the quantile LSTM forecaster. A window is <see cref="WindowSamples"/>
/// consecutive samples (12 = 1 h at 5 min); the model reads the last <see cref="ContextWindows"/> windows and predicts
/// quantiles of the peak of each of the next <see cref="HorizonWindows"/> windows.
/// </summary>
public sealed record LstmOptions
{
    public int WindowSamples { get; init; } = 12;

    public int ContextWindows { get; init; } = 24;

    public int HorizonWindows { get; init; } = 1;

    public int HiddenSize { get; init; } = 32;

    public int Layers { get; init; } = 1;

    public int Epochs { get; init; } = 15;

    public double LearningRate { get; init; } = 3e-3;

    public int BatchSize { get; init; } = 256;

    /// <summary>Caps the training examples drawn per epoch (a random subset when there are more); 0 = all.</summary>
    public int MaxExamplesPerEpoch { get; init; } = 60_000;

    /// <summary>Quantile levels the network predicts, strictly increasing in (0, 1).</summary>
    public IReadOnlyList<double> Quantiles { get; init; } = [0.05, 0.5, 0.8, 0.9, 0.95, 0.98, 0.995];

    /// <summary>Level of the stated interval, e.g. 0.9 = from the 5th to the 95th percentile, conformally corrected.</summary>
    public double IntervalLevel { get; init; } = 0.9;

    /// <summary>Share of each series' latest examples held out from training and used to seed conformal calibration.</summary>
    public double HoldoutFraction { get; init; } = 0.15;

    /// <summary>
    /// Recent conformity scores each series keeps (seeded from the held-out scores of the training set). A limit at
    /// knob k needs about 1 / (1 - k) scores to differ from the largest one, so 300 tells knobs apart up to ~0.995.
    /// </summary>
    public int CalibrationScores { get; init; } = 300;

    /// <summary>
    /// Step size of adaptive conformal inference (Gibbs and Candès 2021, who use 0.005); 0 keeps the target level
    /// fixed. Larger steps hold coverage closer to the target per series but move limits more, which costs slack.
    /// </summary>
    public double ConformalStep { get; init; } = 0.005;

    /// <summary>Gradient steps of one online update.</summary>
    public int OnlineSteps { get; init; } = 5;

    /// <summary>Base learning rate of online updates; the caller's weight for new data scales the new-data loss.</summary>
    public double OnlineLearningRate { get; init; } = 1e-3;

    /// <summary>Scaled targets are clipped here so that one burst after a flat context cannot dominate a batch.</summary>
    public double MaxScaledTarget { get; init; } = 50;

    /// <summary>
    /// Torch intra-op threads (process-wide); 0 leaves TorchSharp's default. One is the default because this model's
    /// operations are small: on a loaded 2-core host, two OpenMP threads made an epoch four times slower (spin-waiting).
    /// </summary>
    public int Threads { get; init; } = 1;

    public int Seed { get; init; } = 17;

    public int ContextSamples => WindowSamples * ContextWindows;

    /// <summary>Every problem with these options, each naming the offending key and value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Positive(string key, double value, double max)
        {
            if (!(value > 0) || value > max)
            {
                errors.Add($"{key} = {value} must be in (0, {max}].");
            }
        }

        Positive(nameof(WindowSamples), WindowSamples, 10_000);
        Positive(nameof(ContextWindows), ContextWindows, 1_000);
        Positive(nameof(HorizonWindows), HorizonWindows, 100);
        Positive(nameof(HiddenSize), HiddenSize, 4_096);
        Positive(nameof(Layers), Layers, 8);
        Positive(nameof(Epochs), Epochs, 10_000);
        Positive(nameof(LearningRate), LearningRate, 1);
        Positive(nameof(BatchSize), BatchSize, 1_000_000);
        Positive(nameof(CalibrationScores), CalibrationScores, 100_000);
        Positive(nameof(OnlineSteps), OnlineSteps, 10_000);
        Positive(nameof(OnlineLearningRate), OnlineLearningRate, 1);
        Positive(nameof(MaxScaledTarget), MaxScaledTarget, 1e6);
        if (MaxExamplesPerEpoch < 0)
        {
            errors.Add($"{nameof(MaxExamplesPerEpoch)} = {MaxExamplesPerEpoch} must be 0 (all) or positive.");
        }

        if (Threads < 0)
        {
            errors.Add($"{nameof(Threads)} = {Threads} must be 0 (default) or positive.");
        }

        if (!(HoldoutFraction >= 0 && HoldoutFraction < 0.9))
        {
            errors.Add($"{nameof(HoldoutFraction)} = {HoldoutFraction} must be in [0, 0.9).");
        }

        if (!(ConformalStep >= 0 && ConformalStep < 0.5))
        {
            errors.Add($"{nameof(ConformalStep)} = {ConformalStep} must be in [0, 0.5).");
        }

        ValidateQuantiles(errors);
        return errors;
    }

    private void ValidateQuantiles(List<string> errors)
    {
        if (Quantiles is null || Quantiles.Count < 2)
        {
            errors.Add($"{nameof(Quantiles)} must hold at least two levels.");
            return;
        }

        for (var i = 0; i < Quantiles.Count; i++)
        {
            if (!(Quantiles[i] > 0 && Quantiles[i] < 1) || (i > 0 && Quantiles[i] <= Quantiles[i - 1]))
            {
                errors.Add($"{nameof(Quantiles)}[{i}] = {Quantiles[i]} must be in (0, 1) and above the previous level.");
            }
        }

        var tail = (1 - IntervalLevel) / 2;
        if (!(IntervalLevel > 0 && IntervalLevel < 1))
        {
            errors.Add($"{nameof(IntervalLevel)} = {IntervalLevel} must be in (0, 1).");
        }
        else if (!Quantiles.Any(q => Math.Abs(q - tail) < 1e-9) || !Quantiles.Any(q => Math.Abs(q - (1 - tail)) < 1e-9))
        {
            errors.Add($"{nameof(IntervalLevel)} = {IntervalLevel} needs the levels {tail} and {1 - tail} in {nameof(Quantiles)}.");
        }
    }

    /// <summary>Throws one exception listing every problem, for callers that cannot go on with bad options.</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid LSTM options: " + string.Join(" ", errors));
        }
    }
}
