using System.CommandLine;

namespace Edge.Ctl.Top;

/// <summary><c>edgectl top</c>: a refreshing table of every node and running instance, read from the controller's API.</summary>
internal static class TopCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var api = new Api.ApiOptions();
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 2 };
        var count = new Option<int>("--count") { Description = "Refreshes before exiting; 0 runs until Ctrl+C", DefaultValueFactory = _ => 0 };
        var plain = new Option<bool>("--plain") { Description = "Append each table instead of redrawing the screen" };
        var command = new Command("top", "Show live node and instance usage (needs a viewer token)") { interval, count, plain };
        api.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var seconds = parse.GetValue(interval);
            if (!(seconds is >= 0.2 and <= 3600))
            {
                await stderr.WriteLineAsync($"edgectl top: --interval {seconds} must be between 0.2 and 3600 seconds");
                return 1;
            }

            using var http = api.CreateClient(parse, TimeSpan.FromSeconds(10), out var clientError);
            if (http is null)
            {
                await stderr.WriteLineAsync($"edgectl top: {clientError}");
                return 1;
            }

            var client = new EdgeApiClient(http);
            var remaining = parse.GetValue(count);
            var redraw = !parse.GetValue(plain) && !Console.IsOutputRedirected;
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var table = TopRenderer.Render(await client.SnapshotAsync(TimeSpan.FromSeconds(Math.Max(5, seconds * 3)), cancellationToken), DateTimeOffset.UtcNow);
                    await stdout.WriteAsync((redraw ? "\u001b[H\u001b[2J" : "") + table + (redraw ? "" : "\n"));
                }
                catch (Api.ApiAuthException ex)
                {
                    await stderr.WriteLineAsync($"edgectl top: {ex.Message}");
                    return 1;
                }
                catch (HttpRequestException ex)
                {
                    await stderr.WriteLineAsync($"edgectl top: {ex.Message}");
                }

                if (remaining > 0 && --remaining == 0)
                {
                    return 0;
                }

                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            return 0;
        });
        return command;
    }
}
