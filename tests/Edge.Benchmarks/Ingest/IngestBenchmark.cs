using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Controller.Hosting;
using Edge.Controller.Ingest;
using Edge.Controller.Mqtt;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Benchmarks.Ingest;

/// <summary>
/// Ingest benchmark: simulated agents publish real-sized metric batches through the embedded broker into FASTER.
/// Prints, from one run on one controller: the broker's raw throughput for the same messages (controller user
/// publishing to a topic only a counting subscriber reads), ingest flat out (samples stored per second), and ingest
/// at a fixed target rate with the p50/p99 lag from publish (the batch timestamp) to stored.
/// Run: <c>dotnet run -c Release --project tests/Edge.Benchmarks -- ingest [--agents 50] [--samples 150] [--seconds 20] [--rate 100000]</c>.
/// </summary>
public static class IngestBenchmark
{
    private static long _sequence;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = IngestBenchmarkOptions.Parse(args);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "edge-ingest-bench-" + Guid.NewGuid().ToString("N"));
        var port = FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["Controller:DataDirectory"] = dataDirectory,
            ["Controller:Broker:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Controller:Broker:BindAddress"] = "127.0.0.1",
            ["Controller:Broker:Tls:Enabled"] = "false",
            // Measures ingest capacity flat out: lift the per-client publish rate limit (a security control, 100/s by default).
            ["Controller:Broker:MaxPublishesPerSecond"] = "1000000",
            ["Controller:Broker:PublishBurst"] = "1000000",
            ["Controller:Http:Urls:0"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };
        for (var i = 0; i < options.Agents; i++)
        {
            settings[$"Controller:Broker:LocalNodes:{i}"] = AgentId(i);
        }

        var storeOnly = await StoreOnlyPhase.RunAsync(options);
        Console.WriteLine($"{"FASTER writer alone (no MQTT, no JSON)",-48} {storeOnly.Samples / storeOnly.Elapsed.TotalSeconds,12:N0} samples/s ({storeOnly.Samples:N0} in {storeOnly.Elapsed.TotalSeconds:F1} s)");
        Console.WriteLine($"ingest benchmark: {options.Agents} agents, {options.SamplesPerBatch} samples per batch, {options.Seconds} s per phase, target {options.TargetSamplesPerSecond:N0} samples/s, {Environment.ProcessorCount} cores");
        var app = ControllerHost.Build([], settings, b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        try
        {
            using var lag = new LagRecorder();
            var metrics = app.Services.GetRequiredService<IngestMetrics>();
            var credentials = app.Services.GetRequiredService<BrokerCredentials>();
            var passwords = ReadNodePasswords(dataDirectory);
            var agents = await ConnectAgentsAsync(options, port, passwords);
            var sample = PayloadCodec.Encode(AgentBatchFactory.Create(AgentId(0), 0, 1, options.SamplesPerBatch), EdgeJsonContext.Default.MetricBatch);
            Console.WriteLine($"batch payload: {sample.Length:N0} bytes JSON");

            var raw = await RawBrokerAsync(options, port, credentials.Controller, sample.Length);
            PrintRate("broker raw (same size, QoS 1, no ingest)", raw.Messages, options.SamplesPerBatch, raw.Elapsed);

            var flatOut = await IngestPhaseAsync(options, agents, metrics, lag, targetSamplesPerSecond: 0);
            PrintRate("ingest flat out (publish -> FASTER)", flatOut.Batches, options.SamplesPerBatch, flatOut.Elapsed);
            PrintLag(lag);

            var paced = await IngestPhaseAsync(options, agents, metrics, lag, options.TargetSamplesPerSecond);
            PrintRate($"ingest at target {options.TargetSamplesPerSecond:N0} samples/s", paced.Batches, options.SamplesPerBatch, paced.Elapsed);
            PrintLag(lag);
            Console.WriteLine($"dropped batches: {metrics.Dropped}, duplicates: {metrics.Duplicates}, store errors: {metrics.Rejected(RejectReason.StoreError)}");

            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }

            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<(long Messages, TimeSpan Elapsed)> RawBrokerAsync(IngestBenchmarkOptions options, int port, UserCredentials controller, int payloadBytes)
    {
        long received = 0;
        await using var subscriber = Connection(port, "edge-controller-bench-raw-sub", controller.Username, controller.Password);
        subscriber.Subscribe("bench/raw/+");
        subscriber.MessageHandler = (_, _) =>
        {
            Interlocked.Increment(ref received);
            return Task.CompletedTask;
        };
        subscriber.Start();
        await subscriber.WaitConnectedAsync(CancellationToken.None);
        var publishers = new List<MqttConnection>();
        for (var i = 0; i < options.Agents; i++)
        {
            var publisher = Connection(port, $"edge-controller-bench-raw-{i}", controller.Username, controller.Password);
            publisher.Start();
            await publisher.WaitConnectedAsync(CancellationToken.None);
            publishers.Add(publisher);
        }

        var payload = new byte[payloadBytes];
        Random.Shared.NextBytes(payload);
        var stopwatch = Stopwatch.StartNew();
        long published = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds));
        await Task.WhenAll(publishers.Select((p, i) => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await p.PublishAsync($"bench/raw/{i}", payload, false, CancellationToken.None))
                {
                    Interlocked.Increment(ref published);
                }
            }
        })));
        var window = stopwatch.Elapsed;
        var elapsed = await UntilQuietAsync(() => Interlocked.Read(ref received), stopwatch);
        foreach (var p in publishers)
        {
            await p.DisposeAsync();
        }

        Console.WriteLine($"  published {Interlocked.Read(ref published):N0} in {window.TotalSeconds:F1} s, subscriber received {Interlocked.Read(ref received):N0} by {elapsed.TotalSeconds:F1} s (the rest the broker dropped at MaxPendingMessagesPerClient)");
        return (Interlocked.Read(ref received), elapsed);
    }

    private static async Task<(long Batches, TimeSpan Elapsed)> IngestPhaseAsync(IngestBenchmarkOptions options, List<MqttConnection> agents, IngestMetrics metrics, LagRecorder lag, int targetSamplesPerSecond)
    {
        lag.Reset();
        var storedBefore = metrics.Batches;
        var droppedBefore = metrics.Dropped;
        long published = 0;
        var stopwatch = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds));
        var perAgentPeriod = targetSamplesPerSecond > 0
            ? TimeSpan.FromSeconds((double)options.Agents * options.SamplesPerBatch / targetSamplesPerSecond)
            : TimeSpan.Zero;
        await Task.WhenAll(agents.Select((agent, i) => Task.Run(() => PublishLoopAsync(agent, i, options.SamplesPerBatch, perAgentPeriod, () => Interlocked.Increment(ref published), stop.Token))));
        var window = stopwatch.Elapsed;
        var storedInWindow = metrics.Batches - storedBefore;
        await WaitAsync(() => metrics.Batches + metrics.Dropped - storedBefore - droppedBefore >= Interlocked.Read(ref published), TimeSpan.FromSeconds(120));
        Console.WriteLine($"  published {Interlocked.Read(ref published):N0} batches in {window.TotalSeconds:F1} s; stored {storedInWindow:N0} within that window, {metrics.Batches - storedBefore:N0} after draining for {(stopwatch.Elapsed - window).TotalSeconds:F1} s; dropped {metrics.Dropped - droppedBefore:N0}");
        return (metrics.Batches - storedBefore, stopwatch.Elapsed);
    }

    private static async Task PublishLoopAsync(MqttConnection agent, int index, int samples, TimeSpan period, Action onPublished, CancellationToken stop)
    {
        var topic = new EdgeTopics().NodeMetrics(AgentId(index));
        using var timer = period > TimeSpan.Zero ? new PeriodicTimer(period) : null;
        while (!stop.IsCancellationRequested)
        {
            if (timer is not null && !await timer.WaitForNextTickAsync(stop).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default))
            {
                return;
            }

            var sequence = Interlocked.Increment(ref _sequence);
            var batch = AgentBatchFactory.Create(AgentId(index), sequence, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), samples);
            if (await agent.PublishAsync(topic, PayloadCodec.Encode(batch, EdgeJsonContext.Default.MetricBatch), false, CancellationToken.None))
            {
                onPublished();
            }
        }
    }

    private static async Task<List<MqttConnection>> ConnectAgentsAsync(IngestBenchmarkOptions options, int port, Dictionary<string, string> passwords)
    {
        var agents = new List<MqttConnection>();
        for (var i = 0; i < options.Agents; i++)
        {
            var agent = Connection(port, "agent-" + AgentId(i), AgentId(i), passwords[AgentId(i)]);
            agent.Start();
            await agent.WaitConnectedAsync(CancellationToken.None);
            agents.Add(agent);
        }

        return agents;
    }

    private static MqttConnection Connection(int port, string clientId, string user, string password) =>
        new(new MqttConnectionOptions { BrokerUrl = $"mqtt://127.0.0.1:{port}", ClientId = clientId, Username = user, Password = password, CleanStart = true },
            NullLogger.Instance, TimeProvider.System);

    private static Dictionary<string, string> ReadNodePasswords(string dataDirectory)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDirectory, CredentialsLoader.FileName)));
        return json.RootElement.GetProperty("nodes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    private static string AgentId(int i) => $"bench-{i:D4}";

    /// <summary>Waits until <paramref name="count"/> stops growing for a second; returns the time of its last change.</summary>
    private static async Task<TimeSpan> UntilQuietAsync(Func<long> count, Stopwatch stopwatch)
    {
        var last = count();
        var lastChange = stopwatch.Elapsed;
        while (stopwatch.Elapsed - lastChange < TimeSpan.FromSeconds(1))
        {
            await Task.Delay(20);
            var now = count();
            if (now != last)
            {
                last = now;
                lastChange = stopwatch.Elapsed;
            }
        }

        return lastChange;
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition() && deadline.Elapsed < timeout)
        {
            await Task.Delay(10);
        }
    }

    private static void PrintRate(string what, long batches, int samplesPerBatch, TimeSpan elapsed) =>
        Console.WriteLine($"{what,-48} {batches / elapsed.TotalSeconds,10:N0} msgs/s {batches * samplesPerBatch / elapsed.TotalSeconds,12:N0} samples/s ({batches:N0} msgs in {elapsed.TotalSeconds:F1} s)");

    private static void PrintLag(LagRecorder lag) =>
        Console.WriteLine($"{"  lag publish -> stored",-48} p50 {lag.Percentile(50),6:F0} ms   p99 {lag.Percentile(99),6:F0} ms   max {lag.Percentile(100),6:F0} ms");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
