using System.CommandLine;
using Edge.Common.Api;
using Edge.Ctl.Cli;

namespace Edge.Ctl.Nodes;

/// <summary>
/// <c>edgectl nodes drain NODE [--reason] [--timeout 10m] [--wait]</c>: cordons the node and moves (or waits out) its
/// instances (<c>POST /api/nodes/{node}/drain</c>); with <c>--wait</c> it polls <c>GET /api/nodes/{node}</c>, printing
/// each instance's change, until the drain is drained (exit 0) or timed out / cancelled (exit 1).
/// </summary>
internal static class DrainCommand
{
    public static Command Create(CliContext cli)
    {
        var node = NodesCommand.NodeArgument();
        var reason = new Option<string?>("--reason") { Description = "Why, recorded with the cordon" };
        var timeout = new Option<string?>("--timeout") { Description = "How long the controller waits for instances that cannot move (e.g. 90s, 10m, 1h); none waits for ever" };
        var wait = new Option<bool>("--wait") { Description = "Follow the drain until it ends, printing progress" };
        var poll = new Option<double>("--poll") { Description = "Seconds between progress polls with --wait", DefaultValueFactory = _ => 1, Hidden = true };
        var command = cli.With(new Command("drain", "Cordon a node and move or wait out its instances (operator)") { node, reason, timeout, wait, poll });
        command.SetAction(async (parse, ct) =>
        {
            int? seconds = null;
            if (parse.GetValue(timeout) is { } text)
            {
                if (!TryParseDuration(text, out var span) || span <= TimeSpan.Zero || span.TotalSeconds > int.MaxValue)
                {
                    await cli.Stderr.WriteLineAsync($"edgectl nodes drain: --timeout '{text}' is not a positive duration such as 90s, 10m or 1h");
                    return CliExit.Usage;
                }

                seconds = (int)Math.Ceiling(span.TotalSeconds);
            }

            return await cli.RunAsync(parse, "nodes drain", TimeSpan.FromSeconds(30), async client =>
            {
                var id = parse.GetValue(node)!;
                var started = await client.DrainAsync(id, parse.GetValue(reason), seconds, ct);
                if (!parse.GetValue(wait))
                {
                    return await NodesCommand.WriteSchedulingAsync(cli, parse, started, "draining");
                }

                var final = await FollowAsync(client, id, TimeSpan.FromSeconds(parse.GetValue(poll)), cli.IsJson(parse) ? cli.Stderr : cli.Stdout, ct);
                if (cli.IsJson(parse))
                {
                    await cli.WriteJsonAsync(final, cli.Json.NodeScheduling);
                }

                return final.Drain?.State == DrainStates.Drained ? CliExit.Ok : CliExit.Error;
            });
        });
        return command;
    }

    private static async Task<NodeScheduling> FollowAsync(Api.EdgeClient client, string node, TimeSpan interval, TextWriter progress, CancellationToken ct)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var begun = DateTimeOffset.UtcNow;
        while (true)
        {
            var detail = await client.NodeAsync(node, ct);
            var drain = detail.Scheduling.Drain;
            foreach (var i in drain?.Instances ?? [])
            {
                var key = $"{i.Action}|{i.TargetNode}";
                if (seen.TryGetValue(i.InstanceId, out var last) && last == key)
                {
                    continue;
                }

                seen[i.InstanceId] = key;
                var target = i.TargetNode is null ? "" : $" -> {i.TargetNode}";
                var why = i.Message is null ? "" : $" ({i.Message})";
                await progress.WriteLineAsync($"[{Units.Duration(DateTimeOffset.UtcNow - begun),6}] {i.InstanceId} {i.ComponentId}: {i.Action}{target}{why}");
            }

            if (drain is null || drain.State != DrainStates.Draining)
            {
                await progress.WriteLineAsync($"node {node}: drain {drain?.State ?? "gone (uncordoned?)"}" + (drain?.Message is { Length: > 0 } m ? $": {m}" : ""));
                return detail.Scheduling;
            }

            await Task.Delay(interval, ct);
        }
    }

    /// <summary><c>90</c> or <c>90s</c>, <c>10m</c>, <c>1h</c>, <c>1h30m</c>, or a .NET time span (<c>00:10:00</c>).</summary>
    internal static bool TryParseDuration(string text, out TimeSpan span)
    {
        span = TimeSpan.Zero;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out span);
        }

        var match = System.Text.RegularExpressions.Regex.Match(text, @"^(?:(\d{1,5})h)?(?:(\d{1,6})m)?(?:(\d{1,7})s?)?$");
        if (!match.Success || text.Length == 0)
        {
            return false;
        }

        static int Part(System.Text.RegularExpressions.Group g) => g.Success ? int.Parse(g.Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        span = new TimeSpan(Part(match.Groups[1]), Part(match.Groups[2]), Part(match.Groups[3]));
        return true;
    }
}
