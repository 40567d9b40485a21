using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Edge.Agent.Cgroups;
using Edge.Agent.Publishing;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Controller.Hosting;
using Edge.Controller.Ingest;
using Edge.Controller.Mqtt;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Benchmarks.ResizeLatency;

/// <summary>
/// Resize latency through the whole path: the real controller host (embedded MQTTnet broker with credentials and
/// topic ACLs, FASTER store, ingest) publishes each resize on its own MQTT connection to
/// <c>edge/v1/nodes/bench-node/commands</c> (QoS 1); the real agent host (<c>Program.Build</c>: connection, spool,
/// dispatcher, supervisor) receives it and writes the cgroup. Both run in this process. Each resize is timed from
/// just before the controller's publish to (a) the <see cref="ResizeWriteClock"/> hook (the driver's write returned),
/// (b) the new memory limit seen by polling the cgroup file from this process, and (c) the CommandCompleted event
/// arriving back at a controller-side subscriber. One resize at a time.
/// </summary>
internal static class EndToEndPhase
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<IReadOnlyList<LatencySeries>?> RunAsync(string enforcement, int count, int warmUp)
    {
        var root = Directory.CreateTempSubdirectory("edge-bench-e2e-").FullName;
        var parent = "edge-bench-" + Guid.NewGuid().ToString("N")[..8];
        var port = FreePort();
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        var controller = ControllerHost.Build([], ControllerSettings(root, port), b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await controller.StartAsync();
        IHost? agent = null;
        EventObserver? observer = null;
        var clock = new ResizeWriteClock();
        try
        {
            var password = NodePassword(Path.Combine(root, "controller"));
            var configFile = WriteAgentConfig(root, port, password, parent, enforcement);
            agent = Edge.Agent.Program.Build(["--config", configFile], b =>
            {
                b.Logging.SetMinimumLevel(LogLevel.Warning);
                clock.Instrument(b.Services);
            });
            await agent.StartAsync();
            using (var ready = new CancellationTokenSource(Timeout))
            {
                await agent.Services.GetRequiredService<AgentLink>().Connection.WaitConnectedAsync(ready.Token);
            }

            var topics = new EdgeTopics();
            var credentials = controller.Services.GetRequiredService<BrokerCredentials>();
            observer = new EventObserver($"mqtt://127.0.0.1:{port}", credentials.Controller.Username, credentials.Controller.Password,
                topics.NodeEvents(ResizeCommands.BenchNode), loggers.CreateLogger("observer"));
            using (var ready = new CancellationTokenSource(Timeout))
            {
                await observer.StartAsync(ready.Token);
            }

            var publisher = controller.Services.GetRequiredService<ControllerMqttLink>().Connection;
            var session = new Session(publisher, observer, topics.NodeCommands(ResizeCommands.BenchNode));
            if (await session.SendAsync(ResizeCommands.Start(ResizeCommands.BenchNode)) is { } startError)
            {
                await Console.Error.WriteLineAsync($"resize-latency: the instance did not start: {startError}");
                return null;
            }

            var driver = agent.Services.GetRequiredService<ICgroupDriver>();
            var result = await MeasureAsync(session, clock, LimitFile(driver, parent), count, warmUp);
            await session.SendAsync(ResizeCommands.Stop(ResizeCommands.BenchNode));
            return result;
        }
        finally
        {
            if (observer is not null)
            {
                await observer.DisposeAsync();
            }

            await StopAgentAsync(agent, parent);
            await controller.StopAsync();
            await controller.DisposeAsync();
            ResizeCommands.RemoveParent(parent);
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<IReadOnlyList<LatencySeries>?> MeasureAsync(Session session, ResizeWriteClock clock, string? limitFile, int count, int warmUp)
    {
        var hooked = new LatencySeries("controller publish -> limit written (hook)");
        var polled = new LatencySeries("controller publish -> limit written (polling the file)");
        var completed = new LatencySeries("controller publish -> CommandCompleted back at controller");
        var acked = new LatencySeries("controller publish -> broker PUBACK");

        // Pass 1, the hook: nothing else runs while the agent works. Pass 2 polls the cgroup file, which keeps this
        // thread busy on one of the two cores, so its figures are a cross-check rather than the headline.
        for (var pass = 0; pass < (limitFile is null ? 1 : 2); pass++)
        {
            for (var i = 0; i < count + warmUp; i++)
            {
                var measured = i >= warmUp;
                var before = pass == 1 ? File.ReadAllText(limitFile!) : null;
                var started = Stopwatch.GetTimestamp();
                var send = session.SendTimedAsync(ResizeCommands.Resize(ResizeCommands.BenchNode, i));
                long? seen = before is null ? null : PollUntilChanged(limitFile!, before);
                var (error, pubAck, done) = await send;
                if (error is not null || clock.LastWriteTimestamp < started)
                {
                    await Console.Error.WriteLineAsync($"resize-latency: resize {i} was not applied: {error ?? "no write seen"}");
                    return null;
                }

                if (!measured)
                {
                    continue;
                }

                if (pass == 0)
                {
                    hooked.Add(Stopwatch.GetElapsedTime(started, clock.LastWriteTimestamp));
                    completed.Add(Stopwatch.GetElapsedTime(started, done));
                    acked.Add(Stopwatch.GetElapsedTime(started, pubAck));
                }
                else
                {
                    polled.Add(Stopwatch.GetElapsedTime(started, seen!.Value));
                }
            }
        }

        return [hooked, polled, completed, acked];
    }

    /// <summary>Reads the file until its content differs from <paramref name="before"/>; yields the core between reads.</summary>
    private static long PollUntilChanged(string file, string before)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (File.ReadAllText(file) != before)
            {
                return Stopwatch.GetTimestamp();
            }

            Thread.Yield();
        }

        throw new TimeoutException($"{file} did not change within {Timeout}");
    }

    /// <summary>The hard memory limit file of the benchmark instance, or null without cgroups (rlimit mode).</summary>
    private static string? LimitFile(ICgroupDriver driver, string parent)
    {
        var group = Supervisor.GroupNameOf(ResizeCommands.InstanceId);
        var layout = CgroupLayout.Detect();
        return driver.Mode switch
        {
            EnforcementModes.CgroupV1 => Path.Combine(layout.V1MountOf("memory")!, parent, group, "memory.limit_in_bytes"),
            EnforcementModes.CgroupV2 => Path.Combine(layout.UnifiedRoot!, parent, group, "memory.max"),
            _ => null,
        };
    }

    private static async Task StopAgentAsync(IHost? agent, string parent)
    {
        if (agent is null)
        {
            return;
        }

        var supervisor = agent.Services.GetRequiredService<Supervisor>();
        if (supervisor.TryGetInstance(ResizeCommands.InstanceId, out var instance))
        {
            await instance.Exited.Task.WaitAsync(Timeout);
        }

        await agent.StopAsync();
        agent.Dispose();
        GC.KeepAlive(parent);
    }

    private static Dictionary<string, string?> ControllerSettings(string root, int port) => new()
    {
        ["Controller:DataDirectory"] = Path.Combine(root, "controller"),
        ["Controller:Broker:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Controller:Broker:BindAddress"] = "127.0.0.1",
        ["Controller:Broker:Tls:Enabled"] = "false",
        ["Controller:Broker:LocalNodes:0"] = ResizeCommands.BenchNode,
        ["Controller:Http:Urls:0"] = "http://127.0.0.1:0",
        // The bench instance is started by the benchmark's own commands, not placed: reconciliation must not stop it
        // (its stop would also carry a term, after which the agent refuses the benchmark's unfenced commands).
        ["Controller:Placement:UnknownInstanceGrace"] = "1.00:00:00",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
    };

    private static string WriteAgentConfig(string root, int port, string password, string parent, string enforcement)
    {
        var file = Path.Combine(root, "agent.json");
        var config = new Dictionary<string, object>
        {
            ["Logging"] = new Dictionary<string, object> { ["LogLevel"] = new Dictionary<string, string> { ["Default"] = "Warning", ["Microsoft.Hosting.Lifetime"] = "Warning" } },
            ["Agent"] = new Dictionary<string, object>
            {
                ["NodeId"] = ResizeCommands.BenchNode,
                ["Mqtt"] = new Dictionary<string, string> { ["BrokerUrl"] = $"mqtt://127.0.0.1:{port}", ["Username"] = ResizeCommands.BenchNode, ["Password"] = password },
                ["SpoolDirectory"] = Path.Combine(root, "spool"),
                ["DotnetCounters"] = new Dictionary<string, object> { ["Enabled"] = false },
            },
            ["Supervisor"] = new Dictionary<string, object>
            {
                ["StateDirectory"] = Path.Combine(root, "state"),
                ["CgroupParent"] = parent,
                ["Enforcement"] = enforcement,
            },
        };
        File.WriteAllText(file, JsonSerializer.Serialize(config));
        return file;
    }

    private static string NodePassword(string controllerData)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(controllerData, CredentialsLoader.FileName)));
        return json.RootElement.GetProperty("nodes").GetProperty(ResizeCommands.BenchNode).GetString()!;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Publishes commands on the controller's connection and awaits each one's final answer.</summary>
    private sealed class Session(MqttConnection publisher, EventObserver observer, string topic)
    {
        public async Task<string?> SendAsync(NodeCommand command) => (await SendTimedAsync(command)).Error;

        /// <returns>The rejection reason (null when completed), when the broker acknowledged the publish, when the answer arrived.</returns>
        public async Task<(string? Error, long PubAck, long Done)> SendTimedAsync(NodeCommand command)
        {
            var answer = observer.Expect(command.CommandId);
            var payload = PayloadCodec.Encode(command, EdgeJsonContext.Default.NodeCommand);
            using var timeout = new CancellationTokenSource(Timeout);
            if (!await publisher.PublishAsync(topic, payload, retain: false, timeout.Token))
            {
                return ("the controller's publish was not acknowledged", 0, 0);
            }

            var pubAck = Stopwatch.GetTimestamp();
            var (nodeEvent, arrived) = await answer.WaitAsync(Timeout);
            return (nodeEvent.Kind == NodeEventKind.CommandCompleted ? null : nodeEvent.Reason ?? nodeEvent.Kind.ToString(), pubAck, arrived);
        }
    }
}
