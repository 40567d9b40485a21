using System.CommandLine;
using System.Globalization;
using System.Text;
using Edge.Common.Api;
using Edge.Common.Contracts;
using Edge.Ctl.Cli;

namespace Edge.Ctl.Components;

/// <summary>
/// <c>edgectl components list|describe ID</c>: what the forecaster knows of each component: its runs, the error of
/// its predictions, and the next forecast with its interval and the model that made it, against recent actuals.
/// </summary>
internal static class ComponentsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var components = new Command("components", "Components: forecasts and their intervals against what runs used");
        components.Subcommands.Add(List(new CliContext(stdout, stderr)));
        components.Subcommands.Add(Describe(new CliContext(stdout, stderr)));
        return components;
    }

    private static Command List(CliContext cli)
    {
        var command = cli.With(new Command("list", "Every component with finished runs: runs, prediction error, next forecast and its model (viewer)"));
        command.SetAction((parse, ct) => cli.RunAsync(parse, "components list", TimeSpan.FromSeconds(30), async client =>
        {
            var components = await client.ComponentsAsync(ct);
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(components, cli.Json.IReadOnlyListComponentSummary);
                return CliExit.Ok;
            }

            var inv = CultureInfo.InvariantCulture;
            var table = new Table("COMPONENT", "RUNS", "OK", "FAILED", "OOM", "CPU ERR", "MEM ERR", "NEXT CPU", "NEXT MEM", "MODEL");
            foreach (var c in components.OrderBy(c => c.ComponentId, StringComparer.Ordinal))
            {
                table.Add(c.ComponentId, c.Runs.ToString(inv), c.Succeeded.ToString(inv), c.Failed.ToString(inv), c.OomKilled.ToString(inv),
                    Units.Percent(c.CpuMeanAbsoluteError), Units.Percent(c.MemoryMeanAbsoluteError),
                    c.NextPrediction is { } p ? Units.Cpu(p.Cpu) : null, c.NextPrediction is { } q ? Units.Memory(q.Memory) : null, c.NextPrediction?.Model);
            }

            await cli.Stdout.WriteAsync(table.ToString());
            return CliExit.Ok;
        }));
        return command;
    }

    private static Command Describe(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The component id (e.g. etl/load)" };
        var command = cli.With(new Command("describe", "One component: next forecast and interval, which model, and recent runs' actuals against what they were given (viewer)") { id });
        command.SetAction((parse, ct) => cli.RunAsync(parse, "components describe", TimeSpan.FromSeconds(30), async client =>
        {
            var summary = await client.ComponentAsync(parse.GetValue(id)!, ct);
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(summary, cli.Json.ComponentSummary);
                return CliExit.Ok;
            }

            await cli.Stdout.WriteAsync(Render(summary));
            return CliExit.Ok;
        }));
        return command;
    }

    internal static string Render(ComponentSummary c)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"Component:   {c.ComponentId}");
        text.AppendLine(inv, $"Runs:        {c.Runs} ({c.Succeeded} succeeded, {c.Failed} failed, {c.OomKilled} OOM-killed)");
        text.AppendLine(inv, $"CPU error:   mean |error| {Units.Percent(c.CpuMeanAbsoluteError)}, mean {Units.Percent(c.CpuMeanError)}, {c.CpuUnderPredicted} under-predicted");
        text.AppendLine(inv, $"Mem error:   mean |error| {Units.Percent(c.MemoryMeanAbsoluteError)}, mean {Units.Percent(c.MemoryMeanError)}, {c.MemoryUnderPredicted} under-predicted");
        if (c.NextPrediction is { } p)
        {
            var ci = p.ConfidenceInterval;
            text.AppendLine(inv, $"Forecast:    {Units.Cpu(p.Cpu)} CPU [{Units.Cpu(ci.Cpu.Lower)}, {Units.Cpu(ci.Cpu.Upper)}], {Units.Memory(p.Memory)} memory [{Units.Memory(ci.Memory.Lower)}, {Units.Memory(ci.Memory.Upper)}] at {ci.Level.ToString("P0", inv)}");
            text.AppendLine(inv, $"Model:       {(p.Model.Length > 0 ? p.Model : "-")}");
        }

        if (c.RecentRuns.Count == 0)
        {
            text.AppendLine("Recent runs: none yet (the forecast above is what it would be given now)");
            return text.ToString();
        }

        text.AppendLine("Recent runs: (forecast [interval] vs peak used; limit is what it ended with)");
        var table = new Table("  INSTANCE", "RUN", "STEP", "OUTCOME", "SECS", "CPU FORECAST", "CPU PEAK", "MEM FORECAST", "MEM PEAK", "MEM LIMIT", "IN", "MODEL");
        foreach (var r in c.RecentRuns)
        {
            var f = r.Predicted;
            table.Add("  " + r.InstanceId, r.WorkflowRunId, r.StepId, r.Outcome, Units.Number(r.DurationSeconds, "0.0"),
                f is null ? null : $"{Units.Cpu(f.Cpu)} [{Units.Cpu(f.ConfidenceInterval.Cpu.Lower)},{Units.Cpu(f.ConfidenceInterval.Cpu.Upper)}]",
                Units.Cpu(r.PeakCpuCores * 1000),
                f is null ? null : $"{Units.Memory(f.Memory)} [{Units.Memory(f.ConfidenceInterval.Memory.Lower)},{Units.Memory(f.ConfidenceInterval.Memory.Upper)}]",
                Units.Memory(r.PeakMemoryMiB), r.FinalLimits is { } l ? Units.Memory(l.MemoryMiB) : null,
                f is null ? null : Inside(r, f), f?.Model);
        }

        text.Append(table.ToString());
        var reported = c.RecentRuns.Where(r => r.Events.Count > 0).ToList();
        if (reported.Count > 0)
        {
            // What the agents reported while the runs ran: throttling, resizes applied or refused (docs/api.md).
            text.AppendLine("Events:");
            foreach (var r in reported)
            {
                text.AppendLine(inv, $"  {r.InstanceId}: {r.NetworkThrottleEvents} network throttled, {r.CpuThrottleEvents} CPU throttled, {r.ResizesRefused} resize(s) refused");
                foreach (var e in r.Events)
                {
                    text.AppendLine(inv, $"    {DateTimeOffset.FromUnixTimeMilliseconds(e.AtMs).UtcDateTime:HH:mm:ss} {EventText(e)}");
                }
            }
        }

        return text.ToString();
    }

    private static string EventText(RunEvent e)
    {
        var inv = CultureInfo.InvariantCulture;
        var v = e.Values ?? new Dictionary<string, double>();
        static string Limits(ResourceQuantity? q) => q is null ? "-"
            : $"{Units.Cpu(q.CpuMillicores)} CPU, {Units.Memory(q.MemoryMiB)}{(q.NetworkMbps is { } n ? string.Create(CultureInfo.InvariantCulture, $", {n:0.##} Mbps") : "")}";
        return e.Kind switch
        {
            NodeEventKind.InstanceNetworkThrottled => string.Create(inv,
                $"network held at its {v.GetValueOrDefault("net_limit_mbps"):0.##} Mbps cap (sent {v.GetValueOrDefault("net_tx_mbps"):0.##}, received {v.GetValueOrDefault("net_rx_mbps"):0.##}; dropped {v.GetValueOrDefault("net_tx_dropped") + v.GetValueOrDefault("net_rx_dropped"):0} packets)"),
            NodeEventKind.InstanceThrottled => string.Create(inv, $"CPU throttled {v.GetValueOrDefault("throttled_s"):0.##} s"),
            NodeEventKind.InstanceResized => $"resized {Limits(e.OldLimits)} -> {Limits(e.NewLimits)}",
            NodeEventKind.CommandRejected => $"resize refused ({Limits(e.OldLimits)} kept, {Limits(e.NewLimits)} asked): {e.Reason}",
            NodeEventKind.InstanceOomKilled => "OOM-killed",
            _ => $"{e.Kind} {e.Reason}",
        };
    }

    /// <summary>Whether the run's peaks fell inside the forecast's intervals: <c>yes</c>, or which resource missed.</summary>
    private static string Inside(RunRecord r, PredictionProfile f)
    {
        var cpu = r.PeakCpuCores * 1000 <= f.ConfidenceInterval.Cpu.Upper;
        var mem = r.PeakMemoryMiB <= f.ConfidenceInterval.Memory.Upper;
        return (cpu, mem) switch
        {
            (true, true) => "yes",
            (false, true) => "cpu over",
            (true, false) => "mem over",
            _ => "both over",
        };
    }
}
