namespace Edge.Benchmarks;

/// <summary>
/// Benchmarks that print figures (never timed tests). Run with
/// <c>dotnet run -c Release --project tests/Edge.Benchmarks -- NAME [options]</c>; see docs/benchmarks.md.
/// </summary>
internal static class Program
{
    private static readonly (string Name, string What)[] Benchmarks =
    [
        ("agent-overhead [seconds]", "agent CPU % and peak RSS at 1 s sampling beside prometheus-node-exporter"),
        ("ingest [options]", "simulated agents -> embedded broker -> FASTER: samples/s and publish-to-stored lag"),
        ("resize-latency [--count N]", "resize command -> cgroup limit written, p50/p99"),
        ("placement [--journal]", "10,000 nodes, 100,000 allocations: placement latency and throughput"),
        ("placement-sim [--od N --spot N]", "WfInstances workflows on a mixed fleet: cost, utilisation, delay per scorer"),
        ("replay [--workflows N --speed X --arms a,b]", "WfInstances workflows through the controller: static vs VPA vs Edge, reserved vs used"),
        ("forecast bench|train-default|train-scale|live", "LSTM training time, peak RSS, batched inference for 10,000 series; train-scale: 100,000 runs; live: 10,000 components through the controller's forecaster"),
        ("broker-attack --target before|after --attack preauth|flood", "controller RSS under pre-auth 256 MiB headers and an authenticated flood"),
        ("fuzz [--target NAME|all] [--minutes N] [--seed S] [--parallel]", "mutation fuzzing of every MQTT payload and HTTP body entry point"),
        ("metrics-scrape [--nodes N --instances N]", "controller GET /metrics for a large fleet: exposition size, series, scrape time"),
        ("failover [--trials N --ttl S]", "3-member etcd, 3 contender processes: time from SIGKILL of the leader to a new leader, p50/max"),
        ("failover-controllers [--trials N --ttl S]", "etcd, mosquitto, 3 edge-controllers, an agent: SIGKILL of the leader to a new leader and to its first command, p50/max"),
        ("state [--placements N --steps N --dir PATH --backends LIST]", "state store (SQLite, etcd) vs the journals: placements/s and workflow step transitions/s, bytes written"),
    ];

    public static async Task<int> Main(string[] args)
    {
        var rest = args.Length > 1 ? args[1..] : [];
        switch (args.FirstOrDefault())
        {
            case "agent-overhead":
                return await AgentOverhead.AgentOverheadBenchmark.RunAsync(rest, CancellationToken.None);
            case "ingest":
                return await Ingest.IngestBenchmark.RunAsync(rest);
            case "resize-latency":
                return await ResizeLatency.ResizeLatencyBenchmark.RunAsync(rest);
            case "placement":
                return await Placement.PlacementBenchmark.RunAsync(rest);
            case "placement-sim":
                return await Placement.PlacementSimulation.RunAsync(rest);
            case "replay":
                return await Replay.ReplayBenchmark.RunAsync(rest);
            case "broker-attack":
                return await BrokerAttack.BrokerAttackBenchmark.RunAsync(rest);
            case "forecast":
                return await Forecast.ForecastBenchmark.RunAsync(rest);
            case "fuzz":
                return await Fuzz.FuzzBenchmark.RunAsync(rest);
            case "failover":
                return await Failover.FailoverBenchmark.RunAsync(rest);
            case "failover-controllers":
                return await Failover.ControllerFailoverBenchmark.RunAsync(rest);
            case "failover-contender":
                return await Failover.FailoverBenchmark.RunContenderAsync(rest);
            case "state":
                return await State.StateBenchmark.RunAsync(rest);
            case "metrics-scrape":
                return await MetricsScrape.MetricsScrapeBenchmark.RunAsync(rest);
            default:
                await Console.Error.WriteLineAsync(args.Length == 0 ? "usage: Edge.Benchmarks NAME [options]" : $"unknown benchmark '{args[0]}'");
                foreach (var (name, what) in Benchmarks)
                {
                    await Console.Error.WriteLineAsync($"  {name,-34} {what}");
                }

                return 2;
        }
    }
}
