using System.Diagnostics;
using Edge.Controller.Placement;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Benchmarks.Placement;

/// <summary>
/// Decision latency of the broker at scale: fills a synthetic fleet to the target number of live allocations,
/// then measures allocate calls (each followed by releasing a random live allocation, so the count stays put),
/// for each Edge strategy and a naive first-fit baseline in the same run. Prints p50/p99/p99.9 and throughput.
/// Run: <c>dotnet run -c Release --project tests/Edge.Benchmarks -- placement [--nodes 10000] [--allocations 100000]
/// [--placements 50000] [--seed 1] [--threads 2] [--journal] [--feasible 500]</c>.
/// </summary>
internal static class PlacementBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = BenchArgs.Parse(args, "nodes", "allocations", "placements", "seed", "threads", "journal", "strategies", "feasible");
        var nodes = a.Int("nodes", 10_000);
        var live = a.Int("allocations", 100_000);
        var placements = a.Int("placements", 50_000);
        var seed = a.Int("seed", 1);
        var threads = a.Int("threads", 2);
        var strategies = a.String("strategies", "Cheapest,BinPack,Spread,FirstFit").Split(',').Select(Enum.Parse<PlacementStrategy>).ToList();
        var fleet = new SyntheticFleet(nodes, 200, seed);
        Console.WriteLine($"placement benchmark: {nodes} nodes, {live} live allocations, {placements} measured placements, seed {seed}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
        Console.WriteLine($"{"variant",-34} {"fill/s",9} {"p50 µs",8} {"p99 µs",8} {"p99.9 µs",9} {"max µs",8} {"alloc/s",9} {"cycle/s",9} {"placed",7}");
        foreach (var strategy in strategies)
        {
            Print(await RunBrokerAsync(fleet, strategy, live, placements, seed, 1, journal: null));
        }

        var feasible = a.Int("feasible", 500);
        foreach (var strategy in strategies.Where(s => s is PlacementStrategy.BinPack or PlacementStrategy.Spread))
        {
            Print(await RunBrokerAsync(fleet, strategy, live, placements, seed, 1, journal: null, feasible));
        }

        if (threads > 1)
        {
            Print(await RunBrokerAsync(fleet, strategies[0], live, placements, seed, threads, journal: null));
        }

        if (a.Flag("journal"))
        {
            var dir = Directory.CreateTempSubdirectory("edge-bench-journal-");
            try
            {
                Print(await RunBrokerAsync(fleet, strategies[0], live, placements, seed, 1, journal: dir.FullName));
            }
            finally
            {
                dir.Delete(recursive: true);
            }
        }

        Print(RunNaive(fleet, live, placements, seed));
        Console.WriteLine($"load average at the end: {LoadAverage()} (other processes on the machine inflate the tail: a preempted call waits a scheduler slice)");
        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static async Task<BenchResult> RunBrokerAsync(SyntheticFleet fleet, PlacementStrategy strategy, int live, int placements, int seed, int threads, string? journal, int feasible = 0)
    {
        var profiles = new TableProfileSource();
        foreach (var (id, cpu, mem) in fleet.Components)
        {
            profiles.Set(id, cpu, mem);
        }

        var options = new PlacementOptions { Strategy = strategy, Contention = [ContentionPolicy.Reject], StoreDirectory = journal, FeasibleNodesToScore = feasible };
        using var store = journal is null ? null : new JournalAllocationStore(journal, 1_000_000, fsync: false, NullLogger<JournalAllocationStore>.Instance);
        var publisher = new NullPublisher();
        var broker = new Allocator(Options.Create(options), profiles, publisher, publisher, (IAllocationStore?)store ?? new InMemoryAllocationStore(), TimeProvider.System, NullLogger<Allocator>.Instance, new AllocatorMetrics());
        foreach (var node in fleet.Nodes)
        {
            await broker.OnNodeStatusAsync(node, CancellationToken.None);
        }

        var random = new Random(seed);
        var ids = new List<string>(live);
        var fill = Stopwatch.StartNew();
        while (ids.Count < live)
        {
            var outcome = await broker.AllocateAsync(Request(fleet, random), CancellationToken.None);
            if (outcome.Status == AllocationStatus.Placed)
            {
                ids.Add(outcome.AllocationId!);
            }
        }

        var fillRate = live / fill.Elapsed.TotalSeconds;
        var name = $"edge {strategy}{(threads > 1 ? $" x{threads} threads" : "")}{(journal is null ? "" : " +journal")}{(feasible > 0 ? $" (score {feasible} fitting)" : "")}";
        var perThread = placements / threads;
        var latencies = new long[perThread * threads];
        var placed = 0;
        var allocTicks = 0L;
        var wall = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, threads), new ParallelOptions { MaxDegreeOfParallelism = threads }, async (t, ct) =>
        {
            var local = new Random(seed + 100 + t);
            for (var i = 0; i < perThread; i++)
            {
                var request = Request(fleet, local);
                var start = Stopwatch.GetTimestamp();
                var outcome = await broker.AllocateAsync(request, ct);
                var elapsed = Stopwatch.GetTimestamp() - start;
                latencies[(t * perThread) + i] = elapsed;
                Interlocked.Add(ref allocTicks, elapsed);
                string victim;
                lock (ids)
                {
                    if (outcome.Status == AllocationStatus.Placed)
                    {
                        placed++;
                        ids.Add(outcome.AllocationId!);
                    }

                    var index = local.Next(ids.Count);
                    victim = ids[index];
                    ids[index] = ids[^1];
                    ids.RemoveAt(ids.Count - 1);
                }

                await broker.DeallocateAsync(victim, ct);
            }
        });
        wall.Stop();
        return new BenchResult(name, fillRate, latencies, placements / (allocTicks / (double)Stopwatch.Frequency / threads), placements / wall.Elapsed.TotalSeconds, placed / (double)placements);
    }

    private static BenchResult RunNaive(SyntheticFleet fleet, int live, int placements, int seed)
    {
        var naive = new NaiveFirstFit();
        foreach (var node in fleet.Nodes)
        {
            naive.AddNode(node.NodeId, node.Capacity.CpuMillicores, node.Capacity.MemoryMiB, new Dictionary<string, string>(node.Labels));
        }

        var random = new Random(seed);
        var ids = new List<string>(live);
        var fill = Stopwatch.StartNew();
        while (ids.Count < live)
        {
            var (c, zone, _) = fleet.NextRequest(random);
            if (naive.Allocate(fleet.Components[c].Cpu, fleet.Components[c].Mem, zone is null ? null : new("zone", zone)) is { } id)
            {
                ids.Add(id);
            }
        }

        var fillRate = live / fill.Elapsed.TotalSeconds;
        var latencies = new long[placements];
        var placed = 0;
        var allocTicks = 0L;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < placements; i++)
        {
            var (c, zone, _) = fleet.NextRequest(random);
            var start = Stopwatch.GetTimestamp();
            var id = naive.Allocate(fleet.Components[c].Cpu, fleet.Components[c].Mem, zone is null ? null : new("zone", zone));
            latencies[i] = Stopwatch.GetTimestamp() - start;
            allocTicks += latencies[i];
            if (id is not null)
            {
                placed++;
                ids.Add(id);
            }

            var index = random.Next(ids.Count);
            naive.Deallocate(ids[index]);
            ids[index] = ids[^1];
            ids.RemoveAt(ids.Count - 1);
        }

        return new BenchResult("naive first-fit (objects, no scoring)", fillRate, latencies, placements / (allocTicks / (double)Stopwatch.Frequency), placements / wall.Elapsed.TotalSeconds, placed / (double)placements);
    }

    private static AllocationRequest Request(SyntheticFleet fleet, Random random)
    {
        var (component, zone, run) = fleet.NextRequest(random);
        return new AllocationRequest
        {
            ComponentId = fleet.Components[component].Id,
            WorkflowRunId = run,
            AntiAffinity = run is not null,
            RequiredLabels = zone is null ? null : new Dictionary<string, string> { ["zone"] = zone },
        };
    }

    private static void Print(BenchResult r)
    {
        Array.Sort(r.Latencies);
        double Us(double q) => r.Latencies[(int)Math.Min(r.Latencies.Length - 1, q * r.Latencies.Length)] * 1e6 / Stopwatch.Frequency;
        Console.WriteLine($"{r.Name,-34} {r.FillRate,9:N0} {Us(0.5),8:N1} {Us(0.99),8:N1} {Us(0.999),9:N1} {Us(1.0),8:N0} {r.AllocRate,9:N0} {r.CycleRate,9:N0} {r.PlacedShare,7:P1}");
    }

    private sealed record BenchResult(string Name, double FillRate, long[] Latencies, double AllocRate, double CycleRate, double PlacedShare);
}
