using Edge.Models.Forecasting;

namespace Edge.Models.Tests.Forecasting;

/// <summary>
/// <see cref="EdgeOptions.RunTailRealized"/>: the replay's blast-chameleon-small blastall (peaks of the trace's runs
/// 001–003, 40 tasks each, 1–3 of them near 900 MiB). The memory peak channel scores each group against the previous
/// group's largest peak, so after a group whose largest peak was an outlier its scores were small and its expected cost
/// on them low: it set the next limit at 358 MiB, below every peak of the next run (463–552, one 902). Chosen by
/// realised cost with a violation priced as an OOM kill, the limit covers the next run's bulk.
/// </summary>
public sealed class RunTailRealizedTests
{
    private static readonly double[][] Runs =
    [
        [452, 453, 458, 460, 461, 462, 463, 466, 466, 467, 467, 468, 468, 470, 473, 475, 479, 480, 480, 481, 482, 484, 484, 486, 489, 493, 493, 493, 497, 497, 498, 500, 502, 504, 504, 504, 519, 532, 894, 902],
        [443, 447, 451, 453, 455, 458, 458, 459, 460, 460, 461, 462, 462, 464, 467, 468, 469, 469, 472, 473, 476, 476, 480, 482, 482, 482, 484, 484, 490, 493, 494, 497, 504, 510, 513, 533, 536, 578, 902, 902],
        [450, 457, 457, 463, 465, 472, 473, 477, 479, 481, 482, 482, 484, 484, 486, 486, 487, 489, 489, 493, 495, 495, 496, 498, 504, 505, 505, 507, 508, 509, 510, 515, 517, 518, 528, 537, 537, 539, 542, 559],
    ];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AfterAGroupWhoseLargestPeakWasAnOutlier_TheNextLimitCoversTheBulk_OnlyWithRealisedKillCosts(bool realised)
    {
        // As the controller predicts (ComponentProfiler): a fresh state fed the component's runs, then one decision.
        var recommender = new EdgeModel().CreateRecommender(0.02, 10, realised);
        var state = recommender.CreateState(ResourceKind.Memory, recommender.DefaultKnob);
        long t = 1_700_000_000;
        foreach (var run in Runs)
        {
            foreach (var peak in run)
            {
                state.ObserveRun(t, peak);
            }

            t += 600;
        }

        var limit = state.Recommend(t, 3600).Limit;
        if (realised)
        {
            Assert.True(limit >= 552 && limit < 902, $"limit {limit:0} MiB");
        }
        else
        {
            Assert.True(limit < 463, $"limit {limit:0} MiB: the peak channel's in-sample cost chose it (the bug)");
        }
    }
}
