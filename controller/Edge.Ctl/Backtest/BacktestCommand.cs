using System.CommandLine;
using System.Globalization;
using Edge.Models;
using Edge.Models.Backtest.Sizing;
using Edge.Models.Traces;

namespace Edge.Ctl.Backtest;

/// <summary>Defines <c>edgectl backtest</c> and turns its arguments into a <see cref="BacktestRequest"/>.</summary>
internal static class BacktestCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, RecommenderRegistry? registry = null)
    {
        registry ??= RecommenderRegistry.CreateDefault();
        var format = new Option<string>("--format") { Description = "Trace layout: bitbrains | wfinstances | edge | nextflow (Nextflow trace.txt files: the task-sizing backtest)", Required = true };
        format.AcceptOnlyFromAmong("bitbrains", "wfinstances", "edge", "nextflow");
        var data = new Option<string?>("--data") { Description = "Folder (or file) holding the trace (nextflow: or give the files as arguments)" };
        var files = new Argument<string[]>("files") { Description = "Trace files or folders (--format nextflow)", Arity = ArgumentArity.ZeroOrMore };
        var sizing = new Option<bool>("--sizing") { Description = "Run the task-sizing backtest of the workflow literature (implied by --format nextflow; with wfinstances)" };
        var seeds = new Option<string>("--seeds") { Description = "Sizing: comma-separated seeds of the history/online splits", DefaultValueFactory = _ => "1,2,3" };
        var minInstances = new Option<int>("--min-instances") { Description = "Sizing: leave out task types with fewer instances", DefaultValueFactory = _ => 34 };
        var taskType = new Option<string>("--task-type") { Description = "Sizing, wfinstances: process (per pipeline) | module (nf-core modules pooled over pipelines)", DefaultValueFactory = _ => "process" };
        taskType.AcceptOnlyFromAmong("process", "module");
        var methods = new Option<string>("--methods") { Description = "Sizing: comma-separated methods (default all): preset, tovar, witt-pct, witt-lr, sizey, vpa, autopilot-avg, autopilot-pct, autopilot-max, autopilot-ml, edge, edge-sizing, edge-sizing-restart, edge-sizing-budget", DefaultValueFactory = _ => "all" };
        var maxFailureRate = new Option<double>("--max-failure-rate") { Description = "Sizing: the failure budget of edge-sizing-budget, in (0, 1): each attempt sized at least at the conformal bound a task exceeds with at most this probability", DefaultValueFactory = _ => EdgeSizingMethod.DefaultBudget };
        var recommenders = new Option<string>("--recommenders")
        {
            Description = $"Comma-separated names or groups (default all): {string.Join(", ", registry.All.Select(r => r.Name))}, autopilot",
            DefaultValueFactory = _ => "all",
        };
        var step = new Option<string>("--step") { Description = "Decision step: a duration (1h, 30m) or a number of samples", DefaultValueFactory = _ => "1h" };
        var warmup = new Option<string>("--warmup") { Description = "Warm-up before the first scored decision (e.g. 7d)", DefaultValueFactory = _ => "7d" };
        var resource = new Option<string>("--resource") { Description = "cpu | memory | network (rx + tx Mbps) | both (cpu and memory) | all", DefaultValueFactory = _ => "both" };
        resource.AcceptOnlyFromAmong("cpu", "memory", "network", "both", "all");
        var holdout = new Option<double>("--holdout")
        {
            Description = "Share of series (other VMs/components) and of the latest time span held out and reported apart",
            DefaultValueFactory = _ => 0.3,
        };
        var json = new Option<bool>("--json") { Description = "Write a machine-readable summary to stdout" };
        var outDir = new Option<string?>("--out") { Description = "Write a markdown report with SVG charts to this folder" };
        var reportName = new Option<string>("--report-name") { Description = "Report file name (without .md) under --out", DefaultValueFactory = _ => "backtest-report" };
        var parallel = new Option<int>("--parallel") { Description = "Series processed in parallel", DefaultValueFactory = _ => 2 };
        var noSweep = new Option<bool>("--no-sweep") { Description = "Run each recommender at its default knob only" };
        var train = new Option<bool>("--train") { Description = "Fit trainable recommenders (lstm) on the tuning part first (default: their shipped models)" };
        var signals = new Option<string?>("--signals") { Description = "Announced work as a covariate: 'bursts' synthesises announcements of each series' bursts and runs every recommender also as {name}+signals" };
        var signalLead = new Option<string>("--signal-lead") { Description = "How long before a burst it is announced (with --signals bursts)", DefaultValueFactory = _ => "10m" };
        var example = new Option<string?>("--example") { Description = "Series id to chart (default: the first scored)" };
        var minScored = new Option<int>("--min-scored") { Description = "Skip series with fewer scored samples", DefaultValueFactory = _ => 288 };
        var priceCore = new Option<double>("--price-core-hour") { Description = "Price of a reserved core-hour", DefaultValueFactory = _ => 0.021811 };
        var priceGiB = new Option<double>("--price-gib-hour") { Description = "Price of a reserved GiB-hour", DefaultValueFactory = _ => 0.002923 };

        var command = new Command("backtest", "Replay a trace through the recommenders and score the limits they would have set");
        foreach (var option in new Option[] { format, data, recommenders, step, warmup, resource, holdout, json, outDir, reportName, parallel, noSweep, example, minScored, priceCore, priceGiB, train, signals, signalLead, sizing, seeds, minInstances, taskType, methods, maxFailureRate })
        {
            command.Options.Add(option);
        }

        command.Arguments.Add(files);

        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(format) == "nextflow" || parse.GetValue(sizing))
            {
                var sizingErrors = new List<string>();
                var sizingRequest = BuildSizing(parse, sizingErrors, registry, format, data, files, seeds, minInstances, taskType, methods, maxFailureRate, json, outDir, reportName);
                if (sizingRequest is null)
                {
                    foreach (var error in sizingErrors)
                    {
                        await stderr.WriteLineAsync(error);
                    }

                    return ExitCodes.InvalidArguments;
                }

                return await SizingRunner.RunAsync(sizingRequest, stdout, stderr, cancellationToken);
            }

            var errors = new List<string>();
            var names = registry.Resolve(parse.GetValue(recommenders), out var unknown);
            errors.AddRange(unknown.Select(u => $"--recommenders: unknown recommender '{u}'"));
            var request = Build(parse, errors, names, format, data, step, warmup, resource, holdout, json, outDir, reportName, parallel, noSweep, example, minScored, priceCore, priceGiB);
            if (errors.Count > 0 || request is null)
            {
                foreach (var error in errors)
                {
                    await stderr.WriteLineAsync(error);
                }

                return ExitCodes.InvalidArguments;
            }

            double? leadSeconds = null;
            switch (parse.GetValue(signals))
            {
                case null:
                    break;
                case "bursts":
                    if (!DurationText.TryParse(parse.GetValue(signalLead) ?? "", out var lead, out _) || lead is null || lead < 0)
                    {
                        await stderr.WriteLineAsync($"--signal-lead: '{parse.GetValue(signalLead)}' is not a duration (e.g. 10m)");
                        return ExitCodes.InvalidArguments;
                    }

                    leadSeconds = lead;
                    break;
                case var other:
                    await stderr.WriteLineAsync($"--signals: unknown source '{other}' (known: bursts)");
                    return ExitCodes.InvalidArguments;
            }

            return await BacktestRunner.RunAsync(request with { Train = parse.GetValue(train), SignalLeadSeconds = leadSeconds }, stdout, stderr, cancellationToken);
        });
        return command;
    }

    private static BacktestRequest? Build(
        ParseResult parse,
        List<string> errors,
        IReadOnlyList<IRecommender> names,
        Option<string> format,
        Option<string?> data,
        Option<string> step,
        Option<string> warmup,
        Option<string> resource,
        Option<double> holdout,
        Option<bool> json,
        Option<string?> outDir,
        Option<string> reportName,
        Option<int> parallel,
        Option<bool> noSweep,
        Option<string?> example,
        Option<int> minScored,
        Option<double> priceCore,
        Option<double> priceGiB)
    {
        var dataDir = parse.GetValue(data) ?? "";
        if (dataDir.Length == 0)
        {
            errors.Add("--data: required for this format");
        }
        else if (!Directory.Exists(dataDir) && !File.Exists(dataDir))
        {
            errors.Add($"--data: '{dataDir}' does not exist");
        }

        if (names.Count == 0)
        {
            errors.Add("--recommenders: no recommender selected");
        }

        if (!DurationText.TryParse(parse.GetValue(step) ?? "", out var stepSeconds, out var stepSamples) || (stepSeconds is null && stepSamples < 1) || stepSeconds <= 0)
        {
            errors.Add($"--step: '{parse.GetValue(step)}' is not a positive duration (1h, 30m) or sample count");
        }

        if (!DurationText.TryParse(parse.GetValue(warmup) ?? "", out var warmupSeconds, out _) || warmupSeconds is null)
        {
            errors.Add($"--warmup: '{parse.GetValue(warmup)}' is not a duration (e.g. 7d, 12h)");
        }

        var fraction = parse.GetValue(holdout);
        if (fraction is < 0 or >= 1)
        {
            errors.Add($"--holdout: {fraction.ToString(CultureInfo.InvariantCulture)} is not in [0, 1)");
        }

        if (parse.GetValue(parallel) < 1)
        {
            errors.Add($"--parallel: {parse.GetValue(parallel)} must be >= 1");
        }

        var name = parse.GetValue(reportName) ?? "";
        if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            errors.Add($"--report-name: '{name}' is not a file name");
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var traceFormat = parse.GetValue(format) switch
        {
            "bitbrains" => TraceFormat.Bitbrains,
            "wfinstances" => TraceFormat.WfInstances,
            _ => TraceFormat.Edge,
        };
        IReadOnlyList<ResourceKind> resources = parse.GetValue(resource) switch
        {
            "cpu" => [ResourceKind.Cpu],
            "memory" => [ResourceKind.Memory],
            "network" => [ResourceKind.Network],
            "all" => [ResourceKind.Cpu, ResourceKind.Memory, ResourceKind.Network],
            _ => [ResourceKind.Cpu, ResourceKind.Memory],
        };
        return new BacktestRequest
        {
            Format = traceFormat,
            DataDirectory = dataDir,
            Recommenders = names,
            Resources = resources,
            StepSeconds = stepSeconds,
            StepSamples = stepSeconds is null ? stepSamples : 12,
            WarmupSeconds = warmupSeconds ?? 0,
            Holdout = fraction,
            Json = parse.GetValue(json),
            OutDirectory = parse.GetValue(outDir),
            ReportName = name,
            Parallelism = parse.GetValue(parallel),
            Sweep = !parse.GetValue(noSweep),
            ExampleSeries = parse.GetValue(example),
            MinScored = parse.GetValue(minScored),
            PricePerCoreHour = parse.GetValue(priceCore),
            PricePerGiBHour = parse.GetValue(priceGiB),
            CommandLine = "edgectl " + string.Join(' ', parse.Tokens.Select(t => t.Value.Contains(' ', StringComparison.Ordinal) ? $"\"{t.Value}\"" : t.Value)),
        };
    }

    private static SizingRequest? BuildSizing(
        ParseResult parse,
        List<string> errors,
        RecommenderRegistry registry,
        Option<string> format,
        Option<string?> data,
        Argument<string[]> files,
        Option<string> seeds,
        Option<int> minInstances,
        Option<string> taskType,
        Option<string> methods,
        Option<double> maxFailureRate,
        Option<bool> json,
        Option<string?> outDir,
        Option<string> reportName)
    {
        var nextflow = parse.GetValue(format) == "nextflow";
        if (!nextflow && parse.GetValue(format) != "wfinstances")
        {
            errors.Add($"--sizing: needs --format nextflow or wfinstances, not '{parse.GetValue(format)}'");
        }

        var paths = (parse.GetValue(files) ?? []).ToList();
        if (parse.GetValue(data) is { Length: > 0 } dataDir)
        {
            paths.Insert(0, dataDir);
        }

        if (paths.Count == 0)
        {
            errors.Add("no trace given: name the trace files (or --data FOLDER)");
        }

        errors.AddRange(paths.Where(p => !Directory.Exists(p) && !File.Exists(p)).Select(p => $"'{p}' does not exist"));
        var seedList = new List<int>();
        foreach (var text in (parse.GetValue(seeds) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
            {
                seedList.Add(seed);
            }
            else
            {
                errors.Add($"--seeds: '{text}' is not an integer");
            }
        }

        if (seedList.Count == 0)
        {
            errors.Add("--seeds: no seed given");
        }

        if (parse.GetValue(minInstances) < 2)
        {
            errors.Add($"--min-instances: {parse.GetValue(minInstances)} must be >= 2");
        }

        var budget = parse.GetValue(maxFailureRate);
        if (!(budget > 0 && budget < 1))
        {
            errors.Add(FormattableString.Invariant($"--max-failure-rate: {budget} must be above 0 and below 1"));
            budget = EdgeSizingMethod.DefaultBudget;
        }

        var all = SizingRunner.AllMethods(registry, budget);
        var wanted = parse.GetValue(methods) ?? "all";
        var chosen = all;
        if (!string.Equals(wanted.Trim(), "all", StringComparison.OrdinalIgnoreCase))
        {
            var names = wanted.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            errors.AddRange(names.Where(n => !all.Any(m => string.Equals(m.Name, n, StringComparison.OrdinalIgnoreCase))).Select(n => $"--methods: unknown method '{n}'"));
            chosen = [.. all.Where(m => names.Contains(m.Name, StringComparer.OrdinalIgnoreCase))];
        }

        var name = parse.GetValue(reportName) ?? "";
        if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            errors.Add($"--report-name: '{name}' is not a file name");
        }

        if (errors.Count > 0)
        {
            return null;
        }

        return new SizingRequest
        {
            Nextflow = nextflow,
            Paths = paths,
            Methods = chosen,
            Options = new SizingOptions { Seeds = seedList, MinInstances = parse.GetValue(minInstances) },
            PoolModules = parse.GetValue(taskType) == "module",
            Json = parse.GetValue(json),
            OutDirectory = parse.GetValue(outDir),
            ReportName = name == "backtest-report" ? "backtest-sizing" : name,
            CommandLine = "edgectl " + string.Join(' ', parse.Tokens.Select(t => t.Value.Contains(' ', StringComparison.Ordinal) ? $"\"{t.Value}\"" : t.Value)),
        };
    }
}
