using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Edge.Models.Lstm;

/// <summary>
/// LSTM encoder over the context windows, then a small head that emits, per horizon step, monotone quantiles of the
/// window peak in scaled units: the lowest quantile is the last window's scaled peak plus a learned offset, and each
/// higher one adds a softplus (non-negative) increment, so predicted quantiles never cross.
/// </summary>
internal sealed class QuantileLstmNetwork : nn.Module<Tensor, Tensor>
{
    private readonly LSTM _lstm;
    private readonly Linear _hidden;
    private readonly Linear _head;
    private readonly long _horizon;
    private readonly long _quantiles;

    public QuantileLstmNetwork(int features, int hiddenSize, int layers, int horizon, int quantiles)
        : base(nameof(QuantileLstmNetwork))
    {
        _horizon = horizon;
        _quantiles = quantiles;
        _lstm = nn.LSTM(features, hiddenSize, layers, batchFirst: true);
        _hidden = nn.Linear(hiddenSize, hiddenSize);
        _head = nn.Linear(hiddenSize, horizon * quantiles);
        RegisterComponents();
    }

    /// <summary>Input [batch, windows, features]; output [batch, horizon, quantiles].</summary>
    public override Tensor forward(Tensor input)
    {
        var (output, _, _) = _lstm.call(input);
        var last = output.select(1, -1);
        var hidden = nn.functional.relu(_hidden.call(last));
        var raw = _head.call(hidden).view(-1, _horizon, _quantiles);
        var lastPeak = input.select(1, -1).select(1, 0).view(-1, 1, 1);
        var lowest = raw.narrow(2, 0, 1) + lastPeak;
        var increments = nn.functional.softplus(raw.narrow(2, 1, _quantiles - 1));
        return torch.cat([lowest, increments], 2).cumsum(2);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lstm.Dispose();
            _hidden.Dispose();
            _head.Dispose();
        }

        base.Dispose(disposing);
    }
}
