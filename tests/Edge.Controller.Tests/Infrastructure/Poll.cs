namespace Edge.Controller.Tests.Infrastructure;

/// <summary>Waits for an effect that crosses a network hop (broker, store); fails with a message after the deadline.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting until {what}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
