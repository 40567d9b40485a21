namespace Edge.Agent.Tests;

/// <summary>Waits for an effect of real I/O (a broker round trip, a child process) with a deadline.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {seconds} s waiting for {what}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {seconds} s waiting for {what}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
