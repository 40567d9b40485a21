namespace Edge.Models.Lstm;

/// <summary>
/// Runs the forward passes of many series in one libtorch call per model: their feature blocks stacked into one
/// [batch, windows, features] tensor (tensors freed by a dispose scope; measured against the managed one-series pass,
/// <see cref="ManagedQuantileLstm"/>, in docs/forecasting.md, "Warm states"); the outputs equal the one-series pass to
/// float32 rounding (libtorch and the managed pass follow the same equations; oneDNN is off, <see cref="TorchNumerics"/>).
/// </summary>
internal static class ForwardBatch
{
    /// <summary>Most series in one libtorch call.</summary>
    public const int MaxBatch = 8192;

    /// <summary>Each pass's scaled output [horizon, quantiles], in the order of <paramref name="passes"/>.</summary>
    public static float[][] Run(IReadOnlyList<LstmForward> passes)
    {
        ArgumentNullException.ThrowIfNull(passes);
        var outputs = new float[passes.Count][];
        // Per model, in chunks of at most MaxBatch series (bounded tensor memory: about 1 KiB per series with hidden 16).
        foreach (var group in Enumerable.Range(0, passes.Count).GroupBy(i => passes[i].Model).SelectMany(g => g.Chunk(MaxBatch).Select(c => (Model: g.Key, Indices: c))))
        {
            var (model, indices) = group;
            var block = model.Options.ContextWindows * WindowFeatures.Count;
            var features = new float[indices.Length * block];
            for (var k = 0; k < indices.Length; k++)
            {
                var input = passes[indices[k]].Features;
                if (input.Length != block)
                {
                    throw new ArgumentException($"A forward pass holds {input.Length} features; the model reads {block}.", nameof(passes));
                }

                input.CopyTo(features, k * block);
            }

            var scaled = model.PredictScaled(features, indices.Length);
            var width = scaled.Length / indices.Length;
            for (var k = 0; k < indices.Length; k++)
            {
                outputs[indices[k]] = scaled.AsSpan(k * width, width).ToArray();
            }
        }

        return outputs;
    }
}
