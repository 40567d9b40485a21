using Edge.Agent.Cgroups;

namespace Edge.Agent.Tests.Supervision;

/// <summary>Measures a group's CPU usage in cores over a wall-clock window, from its cumulative counter.</summary>
internal static class CpuUsageProbe
{
    public static async Task<double> MeasureAsync(ICgroupDriver driver, string group, TimeSpan window)
    {
        var first = driver.ReadStats(group) ?? throw new InvalidOperationException($"group {group} is gone");
        var started = TimeProvider.System.GetTimestamp();
        await Task.Delay(window, TestContext.Current.CancellationToken);
        var second = driver.ReadStats(group) ?? throw new InvalidOperationException($"group {group} is gone");
        var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        return (second.CpuUsageUsec - first.CpuUsageUsec) / 1e6 / seconds;
    }
}
