namespace Edge.Models.Lstm;

/// <summary>
/// Runs the forward passes of many series in one libtorch call per model: their feature blocks stacked into one
/// [batch, windows, features] tensor (tensors freed by a dispose scope). On 2 cores this is about 10× cheaper per series
/// than the managed one-series pass (<see cref="ManagedQuantileLstm"/>) from a few hundred series on (docs/forecasting.md,
/// "Warm states"); the outputs equal the one-series pass to float32 rounding (libtorch and the managed pass follow the
/// same equations; oneDNN is off, <see cref="TorchNumerics"/>).
/// </summary>
internal static class ForwardBatch
{
    /// <summary>Each pass's scaled output [horizon, quantiles], in the order of <paramref name="passes"/>.</summary>
    public static float[][] Run(IReadOnlyList<LstmForward> passes)
    {
        ArgumentNullException.ThrowIfNull(passes);
        var outputs = new float[passes.Count][];
        foreach (var group in Enumerable.Range(0, passes.Count).GroupBy(i => passes[i].Model))
        {
            var model = group.Key;
            var indices = group.ToList();
            var block = model.Options.ContextWindows * WindowFeatures.Count;
            var features = new float[indices.Count * block];
            for (var k = 0; k < indices.Count; k++)
            {
                var input = passes[indices[k]].Features;
                if (input.Length != block)
                {
                    throw new ArgumentException($"A forward pass holds {input.Length} features; the model reads {block}.", nameof(passes));
                }

                input.CopyTo(features, k * block);
            }

            var scaled = model.PredictScaled(features, indices.Count);
            var width = scaled.Length / indices.Count;
            for (var k = 0; k < indices.Count; k++)
            {
                outputs[indices[k]] = scaled.AsSpan(k * width, width).ToArray();
            }
        }

        return outputs;
    }
}
