using static TorchSharp.torch;

namespace Edge.Models.Lstm;

/// <summary>
/// Trains a <see cref="QuantileLstmModel"/> with the pinball (quantile) loss of Koenker and Bassett ("Regression
/// quantiles", Econometrica 1978), Adam, and gradient-norm clipping. Each batch runs in its own dispose scope; the
/// managed heap is collected between epochs, so memory stays flat however long training runs.
/// </summary>
internal static class QuantileLstmTrainer
{
    private const int CalibrationRecords = 512;
    private const double MaxGradientNorm = 1.0;

    public static QuantileLstmModel Fit(
        IReadOnlyList<UsageSeries> series, ResourceKind resource, LstmOptions options, IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        var set = new TrainingSet(series, options);
        if (set.Train.Count == 0)
        {
            throw new ArgumentException(
                $"No {resource} series is long enough to train on: each needs at least {options.WindowSamples * (1 + options.HorizonWindows)} samples.",
                nameof(series));
        }

        GlibcMallocTuning.FixMmapThreshold();
        var model = QuantileLstmModel.Create(options, resource);
        try
        {
            var losses = RunEpochs(model, set, progress, cancellationToken);
            var (holdoutLoss, calibration) = Evaluate(model, set, cancellationToken);
            var (from, to) = set.DataWindow();
            model.Manifest = model.Manifest with
            {
                ModelVersion = 1,
                DataFromS = from,
                DataToS = to,
                SeriesCount = series.Count,
                ExampleCount = set.Train.Count,
                EpochLosses = losses,
                HoldoutLoss = holdoutLoss,
                Calibration = calibration,
            };
            progress?.Report(1);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A few gradient steps on the latest windows of <paramref name="recent"/>. The loss weighs the new examples by
    /// <paramref name="weight"/> and a replay batch from <paramref name="history"/> (when given) by 1 - weight, so a
    /// weight near 1 follows new behaviour fast and a small weight keeps what the model knew. Adam is nearly blind to
    /// the loss's scale, so the step size is scaled by the weight too (with no history, only the step size differs).
    /// </summary>
    public static int Update(
        QuantileLstmModel model, IReadOnlyList<UsageSeries> recent, IReadOnlyList<UsageSeries>? history, double weight,
        CancellationToken cancellationToken)
    {
        if (!(weight > 0 && weight <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The weight of new data must be in (0, 1].");
        }

        var options = model.Options;
        var fresh = new TrainingSet(recent, options with { HoldoutFraction = 0 });
        var latest = fresh.Train.GroupBy(e => e.Series).SelectMany(g => g.TakeLast(options.ContextWindows)).ToList();
        if (latest.Count == 0)
        {
            return 0;
        }

        GlibcMallocTuning.FixMmapThreshold();
        var replay = history is { Count: > 0 } && weight < 1 ? new TrainingSet(history, options with { HoldoutFraction = 0 }) : null;
        var random = new Random(options.Seed + model.Manifest.ModelVersion);
        var network = model.Network;
        network.train();
        try
        {
            using var optimizer = optim.Adam(network.parameters(), options.OnlineLearningRate * weight);
            using var taus = Taus(options);
            for (var step = 0; step < options.OnlineSteps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = weight * BatchLoss(network, fresh, Sample(latest, options.BatchSize, random), taus);
                if (replay is { Train.Count: > 0 })
                {
                    loss += (1 - weight) * BatchLoss(network, replay, Sample(replay.Train, options.BatchSize, random), taus);
                }

                loss.backward();
                nn.utils.clip_grad_norm_(network.parameters(), MaxGradientNorm);
                optimizer.step();
            }
        }
        finally
        {
            network.eval();
        }

        var (_, to) = fresh.DataWindow();
        model.Manifest = model.Manifest with
        {
            ModelVersion = model.Manifest.ModelVersion + 1,
            DataToS = Math.Max(model.Manifest.DataToS, to),
            ExampleCount = model.Manifest.ExampleCount + latest.Count,
        };
        return latest.Count;
    }

    /// <summary>Mean pinball loss over the given examples (no training); used by tests and reports.</summary>
    public static double Loss(QuantileLstmModel model, IReadOnlyList<UsageSeries> series)
    {
        var set = new TrainingSet(series, model.Options with { HoldoutFraction = 0 });
        return MeanLoss(model, set, set.Train, CancellationToken.None);
    }

    private static List<double> RunEpochs(
        QuantileLstmModel model, TrainingSet set, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var options = model.Options;
        var network = model.Network;
        var random = new Random(options.Seed);
        var perEpoch = options.MaxExamplesPerEpoch > 0 ? Math.Min(options.MaxExamplesPerEpoch, set.Train.Count) : set.Train.Count;
        var batches = (perEpoch + options.BatchSize - 1) / options.BatchSize;
        var losses = new List<double>();
        using var optimizer = optim.Adam(network.parameters(), options.LearningRate);
        using var taus = Taus(options);
        network.train();
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            var order = set.Train.ToArray();
            random.Shuffle(order);
            double total = 0;
            for (var b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(b * options.BatchSize, Math.Min(options.BatchSize, perEpoch - (b * options.BatchSize)));
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = BatchLoss(network, set, batch.ToArray(), taus);
                loss.backward();
                nn.utils.clip_grad_norm_(network.parameters(), MaxGradientNorm);
                optimizer.step();
                total += loss.item<float>() * batch.Length;
                progress?.Report(0.95 * (epoch + ((b + 1.0) / batches)) / options.Epochs);
            }

            losses.Add(total / perEpoch);
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        network.eval();
        return losses;
    }

    private static (double Loss, List<LstmCalibrationRecord> Records) Evaluate(
        QuantileLstmModel model, TrainingSet set, CancellationToken cancellationToken)
    {
        var options = model.Options;
        var pool = set.Holdout.Count > 0 ? set.Holdout : set.Train;
        var random = new Random(options.Seed + 1);
        var chosen = pool.ToArray();
        random.Shuffle(chosen);
        chosen = chosen.Take(CalibrationRecords).ToArray();
        var records = new List<LstmCalibrationRecord>(chosen.Length);
        var inputs = new float[chosen.Length * set.InputWidth];
        var targets = new float[chosen.Length * set.TargetWidth];
        set.Fill(chosen, inputs, targets);
        var predicted = chosen.Length == 0 ? [] : model.PredictScaled(inputs, chosen.Length);
        var q = options.Quantiles.Count;
        var width = options.HorizonWindows * q;
        for (var i = 0; i < chosen.Length; i++)
        {
            records.Add(new LstmCalibrationRecord(targets[i * set.TargetWidth], predicted.AsSpan(i * width, q).ToArray()));
        }

        var loss = set.Holdout.Count > 0 ? MeanLoss(model, set, set.Holdout, cancellationToken) : double.NaN;
        return (loss, records);
    }

    private static double MeanLoss(QuantileLstmModel model, TrainingSet set, List<TrainingExample> examples, CancellationToken cancellationToken)
    {
        if (examples.Count == 0)
        {
            return double.NaN;
        }

        var batchSize = Math.Max(model.Options.BatchSize, 1024);
        double total = 0;
        using var taus = Taus(model.Options);
        using var noGrad = no_grad();
        for (var start = 0; start < examples.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batch = examples.GetRange(start, Math.Min(batchSize, examples.Count - start)).ToArray();
            total += BatchLoss(model.Network, set, batch, taus).item<float>() * batch.Length;
        }

        return total / examples.Count;
    }

    private static Tensor BatchLoss(QuantileLstmNetwork network, TrainingSet set, TrainingExample[] batch, Tensor taus)
    {
        var (inputs, targets) = set.Buffers(batch.Length);
        set.Fill(batch, inputs, targets);
        var x = tensor(inputs, [batch.Length, set.InputWidth / WindowFeatures.Count, WindowFeatures.Count]);
        var y = tensor(targets, [batch.Length, set.TargetWidth]);
        return Pinball(network.call(x), y, taus);
    }

    /// <summary>Mean over batch, horizon and levels of max(tau (y - q), (tau - 1)(y - q)).</summary>
    internal static Tensor Pinball(Tensor predicted, Tensor target, Tensor taus)
    {
        var diff = target.unsqueeze(-1) - predicted;
        return maximum(taus * diff, (taus - 1) * diff).mean();
    }

    private static Tensor Taus(LstmOptions options) => tensor(options.Quantiles.Select(q => (float)q).ToArray());

    private static TrainingExample[] Sample(List<TrainingExample> pool, int count, Random random)
    {
        if (pool.Count <= count)
        {
            return [.. pool];
        }

        var sample = new TrainingExample[count];
        for (var i = 0; i < count; i++)
        {
            sample[i] = pool[random.Next(pool.Count)];
        }

        return sample;
    }
}
