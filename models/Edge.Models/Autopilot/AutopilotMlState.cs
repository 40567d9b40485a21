namespace Edge.Models.Autopilot;

/// <summary>
/// The ensemble for one series: every model sees every sample; after each decision window each model is charged the
/// cost its own limit would have incurred on the window's samples, decayed over past windows; the next decision uses
/// the model with the lowest charge plus a switching penalty (§3.2).
/// </summary>
internal sealed class AutopilotMlState : IRecommenderState
{
    private readonly AutopilotMlModel[] _models;
    private readonly AutopilotMlOptions _options;
    private readonly double _extraMargin;
    private readonly double _metaDecay;
    private readonly double[] _windowCost;
    private double[] _previousLimits;
    private int _chosen = -1;
    private double _sum;
    private long _count;
    private int _windowSamples;

    public AutopilotMlState(AutopilotMlOptions options, double extraMargin)
    {
        _options = options;
        _extraMargin = extraMargin;
        _metaDecay = Math.Pow(2, -1 / options.MetaHalfLifeDecisions);
        _models = [.. options.HalfLivesS.SelectMany(h => options.Margins.Select(m => new AutopilotMlModel(h, m, options)))];
        _windowCost = new double[_models.Length];
        _previousLimits = new double[_models.Length];
    }

    public void Observe(long timestampS, double value)
    {
        value = Math.Max(value, 0);
        var scale = Scale;
        for (var m = 0; m < _models.Length; m++)
        {
            var limit = _models[m].Limit;
            _windowCost[m] += value > limit
                ? _options.OverrunWeight
                : _options.UnderrunWeight * (limit - value) / scale;
            _models[m].Observe(timestampS, value);
        }

        _windowSamples++;
        _sum += value;
        _count++;
    }

    public Recommendation Recommend(long nowS, long horizonS)
    {
        if (_count == 0)
        {
            return new Recommendation(0, 0, 0, 0, double.NaN);
        }

        ChargeWindow();
        var scale = Scale;
        var best = 0;
        var bestScore = double.PositiveInfinity;
        for (var m = 0; m < _models.Length; m++)
        {
            _models[m].Decide(scale);
            var score = _models[m].RealisedCost + (m == _chosen || _chosen < 0 ? 0 : _options.ModelChangeWeight);
            if (score < bestScore)
            {
                bestScore = score;
                best = m;
            }
        }

        _chosen = best;
        var raw = _models[best].Limit;
        var limit = Math.Max(raw * (1 + _extraMargin), 0);
        return new Recommendation(limit, raw, raw, limit, double.NaN);
    }

    private double Scale => _count == 0 ? 1 : Math.Max(_sum / _count, 1e-6);

    private void ChargeWindow()
    {
        if (_windowSamples == 0)
        {
            return;
        }

        for (var m = 0; m < _models.Length; m++)
        {
            var change = Math.Abs(_models[m].Limit - _previousLimits[m]) > 1e-12 ? _options.LimitChangeWeight : 0;
            var cost = (_windowCost[m] / _windowSamples) + change;
            _models[m].RealisedCost = (_models[m].RealisedCost * _metaDecay) + ((1 - _metaDecay) * cost);
            _windowCost[m] = 0;
        }

        _previousLimits = [.. _models.Select(x => x.Limit)];
        _windowSamples = 0;
    }
}
