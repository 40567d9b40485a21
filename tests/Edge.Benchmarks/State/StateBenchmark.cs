using System.Diagnostics;
using Edge.Benchmarks.Placement;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.State;
using Edge.Controller.Workflows;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Benchmarks.State;

/// <summary>
/// The state store against the journals it replaced, side by side in one run, on the same disk: placements/s through
/// the real broker (each placement followed by a release, so every cycle is two writes) and workflow step
/// transitions/s (placed, then succeeded) of one run, with the bytes each backend wrote per transition. Backends:
/// memory only (the ceiling), the allocation / workflow journals as they were (flushed to the OS, no fsync: their
/// default), the allocation journal with fsync, SQLite synchronous=NORMAL and SQLite synchronous=FULL (the default),
/// and etcd (1 member and 3 members on loopback, real data dirs, the store fenced by a real leader key that this
/// process holds: <see cref="StateEtcd"/>); etcd rows are skipped when <c>/usr/bin/etcd</c> is absent.
/// Run: <c>dotnet run -c Release --project tests/Edge.Benchmarks -- state [--nodes 1000] [--allocations 10000]
/// [--placements 5000] [--steps 1000] [--dir PATH] [--seed 1] [--backends SqliteFull,Etcd1,...]</c>.
/// </summary>
internal static class StateBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = BenchArgs.Parse(args, "nodes", "allocations", "placements", "steps", "dir", "seed", "backends");
        var nodes = a.Int("nodes", 1000);
        var live = a.Int("allocations", 10_000);
        var placements = a.Int("placements", 5000);
        var steps = a.Int("steps", 1000);
        var seed = a.Int("seed", 1);
        var root = a.String("dir", Path.Combine(Environment.CurrentDirectory, ".bench-state"));
        var only = a.String("backends", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var backends = Enum.GetValues<Backend>()
            .Where(b => only.Length == 0 || only.Contains(b.ToString(), StringComparer.OrdinalIgnoreCase))
            .Where(b => StateEtcd.Available || b is not (Backend.Etcd1 or Backend.Etcd3))
            .ToList();
        Directory.CreateDirectory(root);
        var fleet = new SyntheticFleet(nodes, 200, seed);
        Console.WriteLine($"state benchmark: {nodes} nodes, {live} live allocations, {placements} placement+release cycles; a {steps}-step run ({2 * steps} transitions); files under {root} ({FileSystemOf(root)}); {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
        if (!StateEtcd.Available)
        {
            Console.WriteLine("etcd rows skipped: /usr/bin/etcd not found (install etcd-server: packaging/dev/setup.sh)");
        }

        Console.WriteLine($"{"placements",-40} {"placed/s",10} {"p50 µs",9} {"p99 µs",9} {"bytes on disk",14}");
        foreach (var backend in backends)
        {
            var dir = Fresh(root, backend.ToString());
            var (store, dispose, etcd) = AllocationStore(backend, dir);
            try
            {
                // etcd: what it holds on disk (StateEtcd.Bytes), from the elected, empty store on.
                var before = etcd?.Bytes() ?? 0;
                var (rate, p50, p99) = await PlacementsAsync(fleet, store, live, placements, seed);
                var after = etcd?.Bytes();
                dispose();
                Console.WriteLine($"{Describe(backend),-40} {rate,10:N0} {p50,9:N1} {p99,9:N1} {(after ?? DirectorySize(dir)) - before,14:N0}");
            }
            finally
            {
                dispose();
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"step transitions (" + steps + "-step run)",-40} {"trans/s",10} {"p50 µs",9} {"p99 µs",9} {"bytes/trans",14}");
        foreach (var backend in backends.Where(b => b != Backend.JournalFsync))
        {
            var dir = Fresh(root, "wf-" + backend);
            using var etcd = backend is Backend.Etcd1 or Backend.Etcd3 ? StateEtcd.Start(dir, backend == Backend.Etcd1 ? 1 : 3) : null;
            var (rate, p50, p99, bytes) = Transitions(backend, dir, steps, etcd);
            Console.WriteLine($"{Describe(backend),-40} {rate,10:N0} {p50,9:N1} {p99,9:N1} {bytes,14:N0}");
        }

        Console.WriteLine($"load average at the end: {LoadAverage()}");
        Directory.Delete(root, recursive: true);
        return 0;
    }

    private enum Backend
    {
        Memory,
        Journal,
        JournalFsync,
        SqliteNormal,
        SqliteFull,
        Etcd1,
        Etcd3,
    }

    private static string Describe(Backend backend) => backend switch
    {
        Backend.Memory => "memory only (no durability)",
        Backend.Journal => "journal (before; flushed, no fsync)",
        Backend.JournalFsync => "journal + fsync (FsyncJournal=true)",
        Backend.SqliteNormal => "SQLite WAL, synchronous=NORMAL",
        Backend.SqliteFull => "SQLite WAL, synchronous=FULL (default)",
        Backend.Etcd1 => "etcd 1 member, fenced (loopback)",
        _ => "etcd 3 members, fenced (loopback)",
    };

    private static (IAllocationStore Store, Action Dispose, StateEtcd? Etcd) AllocationStore(Backend backend, string dir)
    {
        switch (backend)
        {
            case Backend.Memory:
                return (new InMemoryAllocationStore(), () => { }, null);
            case Backend.Journal or Backend.JournalFsync:
                var journal = new JournalAllocationStore(dir, 100_000, fsync: backend == Backend.JournalFsync, NullLogger<JournalAllocationStore>.Instance);
                return (journal, journal.Dispose, null);
            case Backend.Etcd1 or Backend.Etcd3:
                var etcd = StateEtcd.Start(dir, backend == Backend.Etcd1 ? 1 : 3);
                return (new StateAllocationStore(etcd.Store, null, NullLogger.Instance), etcd.Dispose, etcd);
            default:
                var state = new StateAllocationStore(new SqliteStateStore(Path.Combine(dir, "state.db"), backend == Backend.SqliteFull ? StateSynchronous.Full : StateSynchronous.Normal), null, NullLogger.Instance, ownsState: true);
                return (state, state.Dispose, null);
        }
    }

    private static async Task<(double Rate, double P50, double P99)> PlacementsAsync(SyntheticFleet fleet, IAllocationStore store, int live, int placements, int seed)
    {
        var profiles = new TableProfileSource();
        foreach (var (id, cpu, mem) in fleet.Components)
        {
            profiles.Set(id, cpu, mem);
        }

        var publisher = new NullPublisher();
        var options = new PlacementOptions { Strategy = PlacementStrategy.Cheapest, Contention = [ContentionPolicy.Reject] };
        var broker = new Allocator(Options.Create(options), profiles, publisher, publisher, store, TimeProvider.System, NullLogger<Allocator>.Instance, new AllocatorMetrics());
        foreach (var node in fleet.Nodes)
        {
            await broker.OnNodeStatusAsync(node, CancellationToken.None);
        }

        var random = new Random(seed);
        var ids = new List<string>(live);
        while (ids.Count < live)
        {
            var outcome = await broker.AllocateAsync(Request(fleet, random), CancellationToken.None);
            if (outcome.Status == AllocationStatus.Placed)
            {
                ids.Add(outcome.AllocationId!);
            }
        }

        var latencies = new double[placements];
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < placements; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var outcome = await broker.AllocateAsync(Request(fleet, random), CancellationToken.None);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (outcome.Status == AllocationStatus.Placed)
            {
                ids.Add(outcome.AllocationId!);
            }

            var index = random.Next(ids.Count);
            await broker.DeallocateAsync(ids[index], CancellationToken.None);
            ids[index] = ids[^1];
            ids.RemoveAt(ids.Count - 1);
        }

        var rate = placements / wall.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return (rate, latencies[placements / 2], latencies[(int)(placements * 0.99)]);
    }

    private static (double Rate, double P50, double P99, double BytesPerTransition) Transitions(Backend backend, string dir, int steps, StateEtcd? etcd)
    {
        var submission = new WorkflowSubmission
        {
            RunId = "bench",
            WorkflowId = "bench",
            Steps = [.. Enumerable.Range(0, steps).Select(i => new WorkflowStep { Id = $"s{i}", ComponentId = $"bench/s{i % 10}", Command = "/opt/edge/bin/edge-workload", DependsOn = i == 0 ? [] : [$"s{i - 1}"] })],
        };
        var run = new WorkflowRun("bench", submission, new WorkflowRetryPolicy());
        WorkflowJournal? journal = null;
        SqliteStateStore? sqlite = null;
        WorkflowRunStore? runs = null;
        Action<long> persist;
        switch (backend)
        {
            case Backend.Memory:
                persist = _ => run.AcceptChanges();
                break;
            case Backend.Journal:
                // As the workflow service did: every change appends the whole run.
                journal = new WorkflowJournal(dir, NullLogger.Instance);
                journal.Load(1000);
                journal.Append(new WorkflowJournalRecord { RunId = "bench", Submission = submission, SubmittedAtMs = 0, UpdatedAtMs = 0, Steps = run.Snapshot() });
                persist = now => journal.Append(new WorkflowJournalRecord { RunId = "bench", UpdatedAtMs = now, Steps = run.Snapshot() });
                break;
            default:
                var state = etcd?.Store ?? (IStateStore)(sqlite = new SqliteStateStore(Path.Combine(dir, "state.db"), backend == Backend.SqliteFull ? StateSynchronous.Full : StateSynchronous.Normal));
                runs = new WorkflowRunStore(state, null, NullLogger.Instance);
                runs.Create(new RunHeader { RunId = "bench", SubmittedAtMs = 0, UpdatedAtMs = 0 }, submission, run.Snapshot());
                persist = now =>
                {
                    runs.Update(new RunHeader { RunId = "bench", SubmittedAtMs = 0, UpdatedAtMs = now }, run.PendingChanges());
                    run.AcceptChanges();
                };
                break;
        }

        run.AcceptChanges();
        var before = etcd?.Bytes() ?? DirectorySize(dir);
        var latencies = new double[2 * steps];
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            var start = Stopwatch.GetTimestamp();
            run.MarkRunning($"s{i}", "node", $"bench-s{i}", 256);
            persist(i);
            latencies[2 * i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            start = Stopwatch.GetTimestamp();
            run.Complete($"s{i}", StepOutcome.Succeeded, null);
            persist(i);
            latencies[(2 * i) + 1] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        var rate = 2 * steps / wall.Elapsed.TotalSeconds;
        sqlite?.Checkpoint();
        journal?.Dispose();
        var bytes = ((etcd?.Bytes() ?? DirectorySize(dir)) - before) / (2.0 * steps);
        sqlite?.Dispose();
        Array.Sort(latencies);
        return (rate, latencies[steps], latencies[(int)(2 * steps * 0.99)], bytes);
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

    private static string Fresh(string root, string name)
    {
        var dir = Path.Combine(root, name);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        return dir;
    }

    private static long DirectorySize(string dir) => Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static string FileSystemOf(string path)
    {
        var best = "";
        var type = "unknown";
        foreach (var line in File.Exists("/proc/mounts") ? File.ReadLines("/proc/mounts") : [])
        {
            var parts = line.Split(' ');
            if (parts.Length > 2 && Path.GetFullPath(path).StartsWith(parts[1], StringComparison.Ordinal) && parts[1].Length > best.Length)
            {
                best = parts[1];
                type = $"{parts[2]} on {parts[0]}";
            }
        }

        return type;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
