namespace Edge.Models.Tests.Statistical;

public sealed class SeasonalNaiveStateTests
{
    [Fact]
    public void Recommend_DailyPattern_ForecastsYesterdaysPeakPlusResidualQuantile()
    {
        var state = new Edge.Models.Statistical.SeasonalNaiveRecommender().CreateState(ResourceKind.Cpu, 1.0);
        for (var t = 0L; t < 86400; t += 300)
        {
            state.Observe(t, t is >= 36000 and < 39600 ? 5 : 1);
        }

        // 10:00-11:00 yesterday peaked at 5; no residuals yet, so the limit is the forecast.
        var r = state.Recommend(86400 + 36000, 3600);
        Assert.Equal(5, r.Forecast, 12);
        Assert.Equal(5, r.Limit, 12);
    }
}
