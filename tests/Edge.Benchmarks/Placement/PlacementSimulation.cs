using System.Diagnostics;
using Edge.Controller.Placement;

namespace Edge.Benchmarks.Placement;

/// <summary>
/// Trace-driven comparison of placement scorers: WfInstances workflows arrive (Poisson, seeded) onto a mixed
/// on-demand/spot fleet; every scorer sees the same arrivals, spot reclaims, forecaster and queue.
/// Run: <c>dotnet run -c Release --project tests/Edge.Benchmarks -- placement-sim [--data DIR] [--od 6] [--spot 6]
/// [--interarrival 300] [--repeat 2] [--margin 1.2] [--spot-mtbf-hours 8] [--seed 1]</c>.
/// </summary>
internal static class PlacementSimulation
{
    private static readonly (string Name, PlacementStrategy Strategy)[] Scorers =
    [
        ("edge Cheapest (default)", PlacementStrategy.Cheapest),
        ("edge BinPack", PlacementStrategy.BinPack),
        ("edge Spread", PlacementStrategy.Spread),
        ("first-fit", PlacementStrategy.FirstFit),
        ("k8s LeastAllocated", PlacementStrategy.KubernetesLeastAllocated),
        ("k8s MostAllocated", PlacementStrategy.KubernetesMostAllocated),
        ("nomad binpack", PlacementStrategy.NomadBinPack),
    ];

    public static Task<int> RunAsync(string[] args)
    {
        var a = BenchArgs.Parse(args, "data", "od", "spot", "interarrival", "repeat", "margin", "spot-mtbf-hours", "seed");
        var config = new SimConfig
        {
            OnDemandNodes = a.Int("od", 6),
            SpotNodes = a.Int("spot", 6),
            MeanInterarrivalSeconds = a.Double("interarrival", 300),
            Repeat = a.Int("repeat", 2),
            Margin = a.Double("margin", 1.2),
            SpotMtbfHours = a.Double("spot-mtbf-hours", 8),
            Seed = a.Int("seed", 1),
        };
        var root = a.String("data", RepoData.WfInstances);
        var workflows = WfInstanceReader.ReadAll(root, out var skipped);
        var arrivals = Arrivals(workflows.Count, config);
        var horizon = arrivals[^1].Time + (72 * 3600);
        var outages = Outages(config, horizon);
        Console.WriteLine($"placement simulation: {workflows.Count} WfInstances workflows ({workflows.Sum(w => w.Tasks.Count)} tasks) x{config.Repeat}, "
            + $"{skipped.Count} files skipped for lacking memory; mean inter-arrival {config.MeanInterarrivalSeconds}s, seed {config.Seed}");
        Console.WriteLine($"fleet: {config.OnDemandNodes} on-demand + {config.SpotNodes} spot nodes of {config.Cores} cores/{config.MemoryGiB} GiB, "
            + $"${config.CorePrice}/core-h + ${config.GiBPrice}/GiB-h, spot at {config.SpotPriceShare:P0}, spot reclaimed every {config.SpotMtbfHours} h on average "
            + $"({outages.Count} reclaims) for {config.SpotRecoveryMinutes} min; forecaster: max of earlier runs x {config.Margin}, cold start {config.ColdCpu}m/{config.ColdMemoryMiB} MiB");
        Console.WriteLine($"{"scorer",-24} {"cost $",8} {"cpu util",8} {"mem util",8} {"wait mean s",11} {"wait p95 s",10} {"wait max s",10} {"OOM",5} {"throttled",9} {"reclaimed",9} {"makespan h",10} {"spot share",10} {"sim s",6}");
        foreach (var (name, strategy) in Scorers)
        {
            var clock = Stopwatch.StartNew();
            var r = new ClusterSimulator(config, workflows, strategy).Run(name, arrivals, outages);
            Console.WriteLine($"{r.Name,-24} {r.Cost,8:N2} {r.CpuUtilisation,8:P1} {r.MemoryUtilisation,8:P1} {r.MeanWaitSeconds,11:N1} {r.P95WaitSeconds,10:N1} {r.MaxWaitSeconds,10:N0} "
                + $"{r.OomKills,5} {r.Throttled,9} {r.Interrupted,9} {r.MeanMakespanHours,10:N2} {r.SpotShare,10:P1} {clock.Elapsed.TotalSeconds,6:N1}");
        }

        Console.WriteLine($"violations: OOM = tasks whose real peak memory exceeded the reservation (killed at {config.OomAt:P0} of runtime, retried); throttled = real cpu above the reservation (ran slower)");
        return Task.FromResult(0);
    }

    private static List<(double Time, int Workflow)> Arrivals(int workflows, SimConfig config)
    {
        var random = new Random(config.Seed);
        var order = Enumerable.Range(0, config.Repeat).SelectMany(_ => Enumerable.Range(0, workflows)).ToArray();
        random.Shuffle(order);
        var time = 0.0;
        var arrivals = new List<(double, int)>(order.Length);
        foreach (var w in order)
        {
            arrivals.Add((time, w));
            time += -Math.Log(1 - random.NextDouble()) * config.MeanInterarrivalSeconds;
        }

        return arrivals;
    }

    private static List<(int Node, double Down, double Up)> Outages(SimConfig config, double horizon)
    {
        var outages = new List<(int, double, double)>();
        if (config.SpotMtbfHours <= 0)
        {
            return outages;
        }

        var random = new Random(config.Seed + 7);
        for (var s = 0; s < config.SpotNodes; s++)
        {
            var t = 0.0;
            while (true)
            {
                t += -Math.Log(1 - random.NextDouble()) * config.SpotMtbfHours * 3600;
                if (t > horizon)
                {
                    break;
                }

                outages.Add((config.OnDemandNodes + s, t, t + (config.SpotRecoveryMinutes * 60)));
                t += config.SpotRecoveryMinutes * 60;
            }
        }

        return outages;
    }
}
