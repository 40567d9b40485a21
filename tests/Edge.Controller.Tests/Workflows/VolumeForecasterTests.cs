using Edge.Controller.Workflows;

namespace Edge.Controller.Tests.Workflows;

public sealed class VolumeForecasterTests
{
    private static readonly DateTimeOffset Day0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Project_DailyMorningWorkflow_IsExpectedInTheMorningOnly()
    {
        var forecaster = new VolumeForecaster([]);
        for (var day = 0; day < 7; day++)
        {
            for (var i = 0; i < 4; i++)
            {
                forecaster.RecordSubmission("etl", Day0.AddDays(day).AddHours(9).AddMinutes(i * 15));
            }
        }

        forecaster.RecordDemand("etl", coreSeconds: 3600, gibSeconds: 1800);

        var morning = forecaster.Project(Day0.AddDays(7).AddHours(9), TimeSpan.FromHours(1), freeCores: 100, freeMemoryGiB: 100);
        var night = forecaster.Project(Day0.AddDays(7).AddHours(2), TimeSpan.FromHours(1), freeCores: 100, freeMemoryGiB: 100);

        Assert.InRange(morning.ExpectedRuns["etl"], 3.5, 4.5);
        Assert.InRange(morning.ExpectedCores, 3.5, 4.5);
        Assert.InRange(morning.ExpectedMemoryGiB, 1.75, 2.25);
        Assert.Equal(0, night.ExpectedRuns["etl"]);
    }

    [Fact]
    public void Project_MoreDemandThanFree_SaysItWillNotFit()
    {
        var forecaster = new VolumeForecaster([new ScheduledSubmission("batch", TimeSpan.FromMinutes(10))]);
        forecaster.RecordDemand("batch", coreSeconds: 1200, gibSeconds: 600);

        var projection = forecaster.Project(Day0, TimeSpan.FromHours(1), freeCores: 1, freeMemoryGiB: 64);

        Assert.Equal(6, projection.ExpectedRuns["batch"], precision: 6);
        Assert.Equal(2, projection.ExpectedCores, precision: 6);
        Assert.False(projection.Fits);
        Assert.Contains("more than the 1 cores", projection.Summary, StringComparison.Ordinal);
        Assert.Equal(1, projection.ShortfallCores, precision: 6);
        Assert.Equal(0, projection.ShortfallMemoryGiB, precision: 6);

        var roomy = forecaster.Project(Day0, TimeSpan.FromHours(1), freeCores: 4, freeMemoryGiB: 64);
        Assert.True(roomy.Fits);
        Assert.Equal(0, roomy.ShortfallCores);
    }

    [Fact]
    public void Project_StoppedWorkflow_DecaysTowardZero()
    {
        var forecaster = new VolumeForecaster([]);
        for (var day = 0; day < 6; day++)
        {
            forecaster.RecordSubmission("old", Day0.AddDays(day).AddHours(9));
        }

        var nextDay = forecaster.Project(Day0.AddDays(6).AddHours(9), TimeSpan.FromHours(1), 1, 1).ExpectedRuns["old"];
        var weeksLater = forecaster.Project(Day0.AddDays(20).AddHours(9), TimeSpan.FromHours(1), 1, 1).ExpectedRuns["old"];

        Assert.InRange(nextDay, 0.9, 1.0);
        Assert.InRange(weeksLater, 0, 0.02);
    }
}
