using System.CommandLine;
using Edge.Common.Api;
using Edge.Ctl.Cli;

namespace Edge.Ctl.Nodes;

/// <summary>
/// <c>edgectl nodes list|describe NODE|cordon NODE|uncordon NODE|drain NODE</c>: the fleet, one node's detail
/// (<c>GET /api/nodes/{node}</c>), and taking a node out of placement (operator token).
/// </summary>
internal static class NodesCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var nodes = new Command("nodes", "List, describe, cordon, drain and uncordon nodes");
        nodes.Subcommands.Add(List(new CliContext(stdout, stderr)));
        nodes.Subcommands.Add(Describe(new CliContext(stdout, stderr)));
        nodes.Subcommands.Add(Cordon(new CliContext(stdout, stderr)));
        nodes.Subcommands.Add(Uncordon(new CliContext(stdout, stderr)));
        nodes.Subcommands.Add(DrainCommand.Create(new CliContext(stdout, stderr)));
        return nodes;
    }

    internal static Argument<string> NodeArgument() => new("node") { Description = "The node id" };

    private static Command List(CliContext cli)
    {
        var command = cli.With(new Command("list", "Every node: online, capacity, tier, last heard from (viewer)"));
        command.SetAction((parse, ct) => cli.RunAsync(parse, "nodes list", TimeSpan.FromSeconds(30), async client =>
        {
            var nodes = await client.NodesAsync(ct);
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(nodes, cli.Json.IReadOnlyListNodeResponse);
                return CliExit.Ok;
            }

            var now = DateTimeOffset.UtcNow;
            var table = new Table("NODE", "ONLINE", "CPU", "MEMORY", "TIER", "PROVIDER", "AGENT", "LAST SEEN");
            foreach (var n in nodes.OrderBy(n => n.NodeId, StringComparer.Ordinal))
            {
                table.Add(n.NodeId, n.Online ? "yes" : "no",
                    n.Status is { } s ? Units.Cpu(s.Capacity.CpuMillicores) : null,
                    n.Status is { } m ? Units.Memory(m.Capacity.MemoryMiB) : null,
                    n.Status is { } t ? Units.Name(t.Pricing.Tier) : null, n.Status?.Provider, n.Status?.AgentVersion,
                    Units.Age(n.LastSeen, now) + " ago");
            }

            await cli.Stdout.WriteAsync(table.ToString());
            return CliExit.Ok;
        }));
        return command;
    }

    private static Command Describe(CliContext cli)
    {
        var node = NodeArgument();
        var command = cli.With(new Command("describe", "One node: status, scheduling (cordon, drain), reserved resources and its instances (viewer)") { node });
        command.SetAction((parse, ct) => cli.RunAsync(parse, "nodes describe", TimeSpan.FromSeconds(30), async client =>
        {
            var detail = await client.NodeAsync(parse.GetValue(node)!, ct);
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(detail, cli.Json.NodeDetail);
                return CliExit.Ok;
            }

            await cli.Stdout.WriteAsync(NodeText.Describe(detail, DateTimeOffset.UtcNow));
            return CliExit.Ok;
        }));
        return command;
    }

    private static Command Cordon(CliContext cli)
    {
        var node = NodeArgument();
        var reason = new Option<string?>("--reason") { Description = "Why, recorded with the cordon" };
        var command = cli.With(new Command("cordon", "Stop new placements on a node; what runs there keeps running (operator)") { node, reason });
        command.SetAction((parse, ct) => cli.RunAsync(parse, "nodes cordon", TimeSpan.FromSeconds(30), async client =>
        {
            var scheduling = await client.CordonAsync(parse.GetValue(node)!, parse.GetValue(reason), ct);
            return await WriteSchedulingAsync(cli, parse, scheduling, "cordoned");
        }));
        return command;
    }

    private static Command Uncordon(CliContext cli)
    {
        var node = NodeArgument();
        var command = cli.With(new Command("uncordon", "Take placements on a node again (ends a drain in progress) (operator)") { node });
        command.SetAction((parse, ct) => cli.RunAsync(parse, "nodes uncordon", TimeSpan.FromSeconds(30), async client =>
        {
            var scheduling = await client.UncordonAsync(parse.GetValue(node)!, ct);
            return await WriteSchedulingAsync(cli, parse, scheduling, "uncordoned");
        }));
        return command;
    }

    internal static async Task<int> WriteSchedulingAsync(CliContext cli, ParseResult parse, NodeScheduling scheduling, string verb)
    {
        if (cli.IsJson(parse))
        {
            await cli.WriteJsonAsync(scheduling, cli.Json.NodeScheduling);
            return CliExit.Ok;
        }

        await cli.Stdout.WriteLineAsync($"node {scheduling.NodeId} {verb}: {NodeText.Scheduling(scheduling)}");
        return CliExit.Ok;
    }
}
