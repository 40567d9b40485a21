using Edge.Models;
using Edge.Models.Lstm;

namespace Edge.Controller.Forecasters;

/// <summary>
/// <c>lstm</c> as the controller runs it: the quantile LSTM (<see cref="LstmRecommender"/>) over a component's
/// sequence of run peaks. The controller's history is one peak per run at irregular times, while the LSTM reads
/// windows of regularly spaced samples; so run k is given to it at the synthetic time <see cref="OriginS"/> +
/// k·<see cref="StepS"/> (one week apart: the time-of-day and day-of-week features stay constant and carry nothing
/// false), each window is one run (<c>WindowSamples</c> = 1) and the forecast is the next run's peak. Training series
/// (<see cref="Series"/>) use the same mapping. The state makes a forecast before each of the last
/// <see cref="CalibrationRuns"/> runs it is fed and scores it when the run arrives, so the model's per-series online
/// conformal calibration (<c>OnlineConformal</c>) is updated by the component's latest runs at every prediction.
/// </summary>
internal sealed class RunPeakLstm(LstmRecommender inner, int version) : IRecommender, IForwardBatchRecommender
{
    public const long OriginS = 1_000_000_000;
    public const long StepS = 7 * 86_400;
    public const int CalibrationRuns = 8;

    public LstmRecommender Inner { get; } = inner;

    /// <summary>The controller's version of this model (+1 per promotion).</summary>
    public int Version { get; } = version;

    public string Name => LstmRecommender.RecommenderName;

    public string KnobDescription => Inner.KnobDescription;

    public double DefaultKnob => Inner.DefaultKnob;

    public IReadOnlyList<double> SweepKnobs => Inner.SweepKnobs;

    /// <summary>Runs the model reads before a forecast: its context plus the calibration runs.</summary>
    public int RunsRead => Inner.Options.ContextSamples + CalibrationRuns;

    public IRecommenderState CreateState(ResourceKind resource, double knob) => new State(Inner.CreateState(resource, knob), Inner, resource);

    /// <summary>Run peaks as the LSTM's training series: run k at <see cref="OriginS"/> + k·<see cref="StepS"/>.</summary>
    public static UsageSeries Series(string id, ResourceKind resource, IReadOnlyList<double> peaks)
    {
        var t = new long[peaks.Count];
        for (var i = 0; i < t.Length; i++)
        {
            t[i] = OriginS + (i * StepS);
        }

        return new UsageSeries(id, resource, t, [.. peaks]);
    }

    private sealed class State(IRecommenderState inner, LstmRecommender recommender, ResourceKind resource) : IRecommenderState, IForwardBatchState
    {
        private readonly List<double> _held = [];
        private long _runs;
        private bool _live;

        public void Observe(long timestampS, double value) => ObserveRun(timestampS, value);

        public void ObserveRun(long timestampS, double peak)
        {
            if (!double.IsFinite(peak) || peak < 0)
            {
                return;
            }

            if (_live)
            {
                Feed(peak);
                return;
            }

            // Before the first real forecast the runs are held, so that only the last CalibrationRuns of them are
            // forecast (a forward pass each) and scored: older ones only fill the context.
            _held.Add(peak);
        }

        public Recommendation Recommend(long nowS, long horizonS)
        {
            if (!_live)
            {
                _live = true;
                var calibrateFrom = CalibrateFrom();
                for (var i = 0; i < _held.Count; i++)
                {
                    if (i >= calibrateFrom)
                    {
                        inner.Recommend(OriginS + ((_runs - 1) * StepS), StepS);
                    }

                    Feed(_held[i]);
                }

                _held.Clear();
            }

            return _runs == 0 ? new Recommendation(0, 0, 0, 0, 0.9) : inner.Recommend(OriginS + ((_runs - 1) * StepS), StepS);
        }

        /// <summary>
        /// The passes of the next decision: once live, the inner state's one; before (a replay), the forecast of each of
        /// the last <see cref="CalibrationRuns"/> held runs from the runs before it, then the decision's, as
        /// <see cref="Recommend"/> makes them.
        /// </summary>
        public IReadOnlyList<LstmForward> PrepareRecommend(long nowS, long horizonS)
        {
            if (inner is not IForwardBatchState batch)
            {
                return [];
            }

            if (_live)
            {
                return _runs > 0 ? batch.PrepareRecommend(OriginS + ((_runs - 1) * StepS), StepS) : [];
            }

            if (_held.Count == 0)
            {
                return [];
            }

            var times = new long[_held.Count];
            for (var i = 0; i < times.Length; i++)
            {
                times[i] = OriginS + ((_runs + i) * StepS);
            }

            var values = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_held);
            var passes = new List<LstmForward>(CalibrationRuns + 1);
            for (var i = CalibrateFrom(); i < _held.Count; i++)
            {
                passes.Add(recommender.PrepareForward(resource, values[..i], times.AsSpan(0, i)));
            }

            passes.Add(recommender.PrepareForward(resource, values, times));
            return passes;
        }

        public Recommendation CompleteRecommend(long nowS, long horizonS, IReadOnlyList<LstmForward> passes, IReadOnlyList<float[]> outputs)
        {
            var batch = (IForwardBatchState)inner;
            var next = 0;
            if (!_live)
            {
                _live = true;
                var calibrateFrom = CalibrateFrom();
                for (var i = 0; i < _held.Count; i++)
                {
                    if (i >= calibrateFrom)
                    {
                        batch.CompleteRecommend(OriginS + ((_runs - 1) * StepS), StepS, [passes[next]], [outputs[next]]);
                        next++;
                    }

                    Feed(_held[i]);
                }

                _held.Clear();
            }

            return batch.CompleteRecommend(OriginS + ((_runs - 1) * StepS), StepS, [passes[next]], [outputs[next]]);
        }

        private int CalibrateFrom() => Math.Max(1, _held.Count - CalibrationRuns);

        private void Feed(double peak)
        {
            inner.Observe(OriginS + (_runs * StepS), peak);
            _runs++;
        }
    }
}
