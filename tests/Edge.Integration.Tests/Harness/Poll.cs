namespace Edge.Integration.Tests.Harness;

internal static class Poll
{
    /// <summary>Retries <paramref name="probe"/> until it returns a value or the deadline passes; then fails with <paramref name="what"/> and the diagnostics.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan deadline, string what, Func<string>? diagnostics = null)
        where T : class
    {
        var until = DateTimeOffset.UtcNow + deadline;
        Exception? last = null;
        while (DateTimeOffset.UtcNow < until)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Net.Sockets.SocketException or IOException ||
                                       (ex is TaskCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested))
            {
                last = ex;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"timed out after {deadline.TotalSeconds:0} s waiting for {what}{(last is null ? "" : $" (last error: {last.Message})")}\n{diagnostics?.Invoke()}");
        return null!;
    }
}
