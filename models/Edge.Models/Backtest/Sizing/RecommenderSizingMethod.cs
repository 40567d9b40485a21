namespace Edge.Models.Backtest.Sizing;

/// <summary>
/// Any <see cref="IRecommender"/> (VPA, the Autopilot recommenders, Edge's default forecaster) as a sizing method, at
/// its default knob: each task is one run (<see cref="IRecommenderState.ObserveRun"/>, a minute apart), its limit the
/// recommendation before it starts (per run from its input size when the state implements
/// <see cref="ISizedRunState"/>). After an OOM the state is told (<see cref="IRecommenderState.ObserveViolation"/>)
/// and the retry gets its new recommendation, at least 1.5× the failed limit: the controller's OOM rule today
/// (docs/workflows.md).
/// </summary>
public sealed class RecommenderSizingMethod(IRecommender recommender) : ISizingMethod
{
    /// <summary>The controller's memory multiplier after an OOM kill.</summary>
    public const double OomGrowth = 1.5;

    public string Name => recommender.Name;

    public ISizer Create(IReadOnlyList<SizingTask> history, SizingContext context)
    {
        var sizer = new Sizer(recommender.CreateState(ResourceKind.Memory, recommender.DefaultKnob), context);
        foreach (var task in history)
        {
            sizer.Learn(task);
        }

        return sizer;
    }

    private sealed class Sizer(IRecommenderState state, SizingContext context) : ISizer
    {
        private const long StepS = 60;
        private long _now = 1_700_000_000;

        public double Size(SizingTask task)
        {
            var recommendation = state.Recommend(_now, StepS);
            if (state is ISizedRunState sized)
            {
                recommendation = sized.RecommendRun(_now, task.InputBytes);
            }

            return double.IsFinite(recommendation.Limit) && recommendation.Limit > 0 ? recommendation.Limit : context.DefaultPresetMiB;
        }

        public double Retry(SizingTask task, double failedMiB, int attempt)
        {
            state.ObserveViolation(_now, failedMiB);
            var again = Size(task);
            return Math.Max(again, OomGrowth * failedMiB);
        }

        public void Learn(SizingTask task)
        {
            _now += StepS;
            if (state is ISizedRunState sized)
            {
                sized.ObserveRun(_now, task.PeakMiB, task.InputBytes);
            }
            else
            {
                state.ObserveRun(_now, task.PeakMiB);
            }
        }
    }
}
