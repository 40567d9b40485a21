namespace Edge.Models.Lstm;

/// <summary>
/// The same forward pass as <see cref="QuantileLstmNetwork"/> in plain managed code for one series at a time, from a
/// snapshot of its weights: a per-series recommend then costs tens of microseconds, allocates almost nothing and needs
/// no lock around libtorch. It follows PyTorch's LSTM equations (gates i, f, g, o in that order in weight_ih/weight_hh;
/// c' = f c + i g, h' = o tanh(c')) and softplus with PyTorch's threshold of 20. Batched forecasts still use libtorch.
/// </summary>
internal sealed class ManagedQuantileLstm
{
    private readonly int _hidden;
    private readonly int _horizon;
    private readonly int _quantiles;
    private readonly float[][] _weightIh;
    private readonly float[][] _weightHh;
    private readonly float[][] _bias;
    private readonly float[] _denseWeight;
    private readonly float[] _denseBias;
    private readonly float[] _headWeight;
    private readonly float[] _headBias;

    public ManagedQuantileLstm(QuantileLstmNetwork network, LstmOptions options)
    {
        _hidden = options.HiddenSize;
        _horizon = options.HorizonWindows;
        _quantiles = options.Quantiles.Count;
        var weights = network.state_dict().ToDictionary(p => p.Key, p => p.Value.data<float>().ToArray());
        _weightIh = new float[options.Layers][];
        _weightHh = new float[options.Layers][];
        _bias = new float[options.Layers][];
        for (var layer = 0; layer < options.Layers; layer++)
        {
            _weightIh[layer] = weights[$"_lstm.weight_ih_l{layer}"];
            _weightHh[layer] = weights[$"_lstm.weight_hh_l{layer}"];
            var ih = weights[$"_lstm.bias_ih_l{layer}"];
            var hh = weights[$"_lstm.bias_hh_l{layer}"];
            _bias[layer] = [.. ih.Zip(hh, (a, b) => a + b)];
        }

        _denseWeight = weights["_hidden.weight"];
        _denseBias = weights["_hidden.bias"];
        _headWeight = weights["_head.weight"];
        _headBias = weights["_head.bias"];
    }

    /// <summary>Scaled quantiles [horizon, quantiles] for one feature block [windows, features].</summary>
    public float[] Predict(ReadOnlySpan<float> features, int windows)
    {
        var inputSize = features.Length / windows;
        var layers = _weightIh.Length;
        var h = new float[layers * _hidden];
        var c = new float[layers * _hidden];
        var gates = new float[4 * _hidden];
        for (var t = 0; t < windows; t++)
        {
            ReadOnlySpan<float> x = features.Slice(t * inputSize, inputSize);
            for (var layer = 0; layer < layers; layer++)
            {
                var hl = h.AsSpan(layer * _hidden, _hidden);
                Step(layer, x, hl, c.AsSpan(layer * _hidden, _hidden), gates);
                x = hl;
            }
        }

        var top = h.AsSpan((layers - 1) * _hidden, _hidden);
        var dense = new float[_hidden];
        for (var j = 0; j < _hidden; j++)
        {
            dense[j] = Math.Max(0, _denseBias[j] + Dot(_denseWeight.AsSpan(j * _hidden, _hidden), top));
        }

        var output = new float[_horizon * _quantiles];
        var lastPeak = features[(windows - 1) * inputSize];
        for (var step = 0; step < _horizon; step++)
        {
            float sum = 0;
            for (var q = 0; q < _quantiles; q++)
            {
                var k = (step * _quantiles) + q;
                var raw = _headBias[k] + Dot(_headWeight.AsSpan(k * _hidden, _hidden), dense);
                sum += q == 0 ? raw + lastPeak : Softplus(raw);
                output[k] = sum;
            }
        }

        return output;
    }

    private void Step(int layer, ReadOnlySpan<float> x, Span<float> h, Span<float> c, float[] gates)
    {
        var inputSize = x.Length;
        for (var g = 0; g < 4 * _hidden; g++)
        {
            gates[g] = _bias[layer][g]
                + Dot(_weightIh[layer].AsSpan(g * inputSize, inputSize), x)
                + Dot(_weightHh[layer].AsSpan(g * _hidden, _hidden), h);
        }

        for (var j = 0; j < _hidden; j++)
        {
            var i = Sigmoid(gates[j]);
            var f = Sigmoid(gates[_hidden + j]);
            var g = MathF.Tanh(gates[(2 * _hidden) + j]);
            var o = Sigmoid(gates[(3 * _hidden) + j]);
            c[j] = (f * c[j]) + (i * g);
            h[j] = o * MathF.Tanh(c[j]);
        }
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));

    private static float Softplus(float x) => x > 20 ? x : MathF.Log(1 + MathF.Exp(x));
}
