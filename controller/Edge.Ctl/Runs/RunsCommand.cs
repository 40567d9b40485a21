using System.CommandLine;
using System.Globalization;
using System.Text;
using Edge.Common.Contracts;
using Edge.Ctl.Cli;

namespace Edge.Ctl.Runs;

/// <summary>
/// <c>edgectl runs list [--state S] [--workflow W] [--limit N]|describe RUN|cancel RUN|output RUN STEP</c>: workflow
/// runs (<c>/api/workflows</c>) and a step's stdout/stderr as kept on its node.
/// </summary>
internal static class RunsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var runs = new Command("runs", "List, describe and cancel workflow runs; read a step's output");
        runs.Subcommands.Add(List(new CliContext(stdout, stderr)));
        runs.Subcommands.Add(Describe(new CliContext(stdout, stderr)));
        runs.Subcommands.Add(Cancel(new CliContext(stdout, stderr)));
        runs.Subcommands.Add(Output(new CliContext(stdout, stderr)));
        return runs;
    }

    private static Argument<string> RunArgument() => new("run") { Description = "The run id" };

    private static Command List(CliContext cli)
    {
        var states = Enum.GetValues<WorkflowStepState>().Select(StateName).ToArray();
        var state = new Option<string?>("--state") { Description = "Only runs in this state: " + string.Join(", ", states) };
        state.AcceptOnlyFromAmong(states);
        var workflow = new Option<string?>("--workflow") { Description = "Only runs of this workflow id" };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (0: all)", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError($"--limit {r.GetValueOrDefault<int>()} must be 0 or more");
            }
        });
        var command = cli.With(new Command("list", "Workflow runs, newest first (viewer)") { state, workflow, limit });
        command.SetAction((parse, ct) => cli.RunAsync(parse, "runs list", TimeSpan.FromSeconds(30), async client =>
        {
            IEnumerable<WorkflowRunStatus> runs = (await client.RunsAsync(ct)).OrderByDescending(r => r.UpdatedAtMs);
            if (parse.GetValue(state) is { } s)
            {
                runs = runs.Where(r => StateName(r.State) == s);
            }

            if (parse.GetValue(workflow) is { } w)
            {
                runs = runs.Where(r => r.WorkflowId == w);
            }

            if (parse.GetValue(limit) is > 0 and var n)
            {
                runs = runs.Take(n);
            }

            IReadOnlyList<WorkflowRunStatus> list = [.. runs];
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(list, cli.Json.IReadOnlyListWorkflowRunStatus);
                return CliExit.Ok;
            }

            var now = DateTimeOffset.UtcNow;
            var table = new Table("RUN", "WORKFLOW", "STATE", "STEPS", "UPDATED", "REASON");
            foreach (var r in list)
            {
                var done = r.Steps.Count(x => x.State == WorkflowStepState.Succeeded);
                table.Add(r.RunId, r.WorkflowId, StateName(r.State), $"{done}/{r.Steps.Count}", Units.AgeMs(r.UpdatedAtMs, now) + " ago", r.Reason);
            }

            await cli.Stdout.WriteAsync(table.ToString());
            return CliExit.Ok;
        }));
        return command;
    }

    private static Command Describe(CliContext cli)
    {
        var run = RunArgument();
        var command = cli.With(new Command("describe", "One run and each of its steps: state, node, instance, attempt (viewer)") { run });
        command.SetAction((parse, ct) => cli.RunAsync(parse, "runs describe", TimeSpan.FromSeconds(30), async client =>
        {
            var status = await client.RunAsync(parse.GetValue(run)!, ct);
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(status, cli.Json.WorkflowRunStatus);
                return CliExit.Ok;
            }

            var inv = CultureInfo.InvariantCulture;
            var text = new StringBuilder();
            text.AppendLine(inv, $"Run:       {status.RunId}");
            text.AppendLine(inv, $"Workflow:  {status.WorkflowId}");
            var reason = status.Reason is { Length: > 0 } why ? $" ({why})" : "";
            text.AppendLine(inv, $"State:     {StateName(status.State)}{reason}");
            text.AppendLine(inv, $"Updated:   {DateTimeOffset.FromUnixTimeMilliseconds(status.UpdatedAtMs).ToString("u", inv)} ({Units.AgeMs(status.UpdatedAtMs, DateTimeOffset.UtcNow)} ago)");
            var table = new Table("STEP", "STATE", "ATTEMPT", "NODE", "INSTANCE", "REASON");
            foreach (var step in status.Steps)
            {
                table.Add(step.StepId, StateName(step.State), step.Attempt.ToString(inv), step.NodeId, step.InstanceId, step.Reason);
            }

            text.Append(table.ToString());
            await cli.Stdout.WriteAsync(text.ToString());
            return CliExit.Ok;
        }));
        return command;
    }

    private static Command Cancel(CliContext cli)
    {
        var run = RunArgument();
        var command = cli.With(new Command("cancel", "Cancel an unfinished run: its running steps are stopped (submitter)") { run });
        command.SetAction((parse, ct) => cli.RunAsync(parse, "runs cancel", TimeSpan.FromSeconds(30), async client =>
        {
            var id = parse.GetValue(run)!;
            await client.CancelRunAsync(id, ct);
            await cli.Stdout.WriteLineAsync($"run {id}: cancelled");
            return CliExit.Ok;
        }));
        return command;
    }

    private static Command Output(CliContext cli)
    {
        var run = RunArgument();
        var step = new Argument<string>("step") { Description = "The step id" };
        var attempt = new Option<int?>("--attempt") { Description = "Which attempt (default: the latest)" };
        var stderrStream = new Option<bool>("--stderr") { Description = "Read stderr instead of stdout" };
        var tail = new Option<long?>("--tail") { Description = "Bytes from the end (default 65536 on the controller, at most 1 MiB)" };
        var command = cli.With(new Command("output", "A step's stdout or stderr, as kept (bounded, rotated) on its node (viewer)") { run, step, attempt, stderrStream, tail });
        command.SetAction((parse, ct) => cli.RunAsync(parse, "runs output", TimeSpan.FromSeconds(60), async client =>
        {
            var output = await client.StepOutputAsync(parse.GetValue(run)!, parse.GetValue(step)!, parse.GetValue(attempt), parse.GetValue(stderrStream) ? "stderr" : "stdout", parse.GetValue(tail), ct);
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(output, cli.Json.InstanceOutput);
                return CliExit.Ok;
            }

            if (output.Truncated)
            {
                await cli.Stderr.WriteLineAsync($"edgectl runs output: showing {Units.Bytes(output.TotalBytes - output.Offset)} from byte {output.Offset} of {Units.Bytes(output.TotalBytes)} ({output.Stream} of {output.InstanceId} on {output.NodeId}); earlier output is rotated away or not asked for");
            }

            await cli.Stdout.WriteAsync(output.Text);
            if (output.Running)
            {
                await cli.Stderr.WriteLineAsync($"edgectl runs output: {output.InstanceId} is still running; more may follow");
            }

            return CliExit.Ok;
        }));
        return command;
    }

    /// <summary>The state as the API writes it (camelCase: <c>running</c>, <c>succeeded</c>).</summary>
    internal static string StateName(WorkflowStepState state) => Units.Name(state);
}
