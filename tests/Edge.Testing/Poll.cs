namespace Edge.Testing;

/// <summary>Waits for an effect of real I/O (a broker round trip, a store, a child process) with a deadline; fails with what it waited for.</summary>
public static class Poll
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout ?? DefaultTimeout, TimeSpan.FromMilliseconds(20));

    public static Task UntilAsync(Func<bool> condition, string what, int seconds) =>
        UntilAsync(() => Task.FromResult(condition()), what, TimeSpan.FromSeconds(seconds), TimeSpan.FromMilliseconds(50));

    public static Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 30) =>
        UntilAsync(condition, what, TimeSpan.FromSeconds(seconds), TimeSpan.FromMilliseconds(50));

    /// <summary>Retries <paramref name="probe"/> until it returns a value or the deadline passes; then fails with <paramref name="what"/> and the diagnostics. Connection errors count as "not yet".</summary>
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

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, TimeSpan interval)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting until {what}");
            }

            await Task.Delay(interval, TestContext.Current.CancellationToken);
        }
    }
}
