using System.CommandLine;
using Edge.Ctl.Cli;

namespace Edge.Ctl.Allocations;

/// <summary><c>edgectl allocations list</c> and <c>edgectl queue list</c>: the broker's reservations and the requests waiting for room.</summary>
internal static class AllocationsCommand
{
    public static Command CreateAllocations(TextWriter stdout, TextWriter stderr)
    {
        var cli = new CliContext(stdout, stderr);
        var allocations = new Command("allocations", "The resources the broker has reserved on nodes");
        var list = cli.With(new Command("list", "Every allocation: component, run, node, reserved CPU and memory, state, age (viewer)"));
        list.SetAction((parse, ct) => cli.RunAsync(parse, "allocations list", TimeSpan.FromSeconds(30), async client =>
        {
            var items = await client.AllocationsAsync(ct);
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(items, cli.Json.IReadOnlyListAllocation);
                return CliExit.Ok;
            }

            var now = DateTimeOffset.UtcNow;
            var table = new Table("ALLOCATION", "COMPONENT", "RUN", "NODE", "TIER", "CPU", "MEMORY", "STATE", "REDUCED", "AGE");
            foreach (var a in items.OrderBy(a => a.CreatedAtMs))
            {
                table.Add(a.AllocationId, a.ComponentId, a.WorkflowRunId, a.NodeId, Units.Name(a.Tier), Units.Cpu(a.Resources.CpuMillicores), Units.Memory(a.Resources.MemoryMiB), Units.Name(a.State), a.Reduced ? "yes" : "no", Units.AgeMs(a.CreatedAtMs, now));
            }

            await cli.Stdout.WriteAsync(table.ToString());
            return CliExit.Ok;
        }));
        allocations.Subcommands.Add(list);
        return allocations;
    }

    public static Command CreateQueue(TextWriter stdout, TextWriter stderr)
    {
        var cli = new CliContext(stdout, stderr);
        var queue = new Command("queue", "Requests waiting for capacity");
        var list = cli.With(new Command("list", "Every queued request: component, priority, forecast, waiting since, deadline, why (viewer)"));
        list.SetAction((parse, ct) => cli.RunAsync(parse, "queue list", TimeSpan.FromSeconds(30), async client =>
        {
            var items = await client.QueueAsync(ct);
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(items, cli.Json.IReadOnlyListQueuedRequest);
                return CliExit.Ok;
            }

            var now = DateTimeOffset.UtcNow;
            var table = new Table("ID", "COMPONENT", "RUN", "PRIORITY", "CPU", "MEMORY", "WAITING", "DEADLINE IN", "REASON");
            foreach (var q in items)
            {
                table.Add(q.AllocationId, q.Request.ComponentId, q.Request.WorkflowRunId, q.Request.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Units.Cpu(q.Profile.Cpu), Units.Memory(q.Profile.Memory), Units.AgeMs(q.EnqueuedAtMs, now),
                    Units.Duration(DateTimeOffset.FromUnixTimeMilliseconds(q.DeadlineMs) - now), q.Reason);
            }

            await cli.Stdout.WriteAsync(table.ToString());
            return CliExit.Ok;
        }));
        queue.Subcommands.Add(list);
        return queue;
    }
}
