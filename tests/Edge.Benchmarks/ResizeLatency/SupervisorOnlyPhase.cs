using System.Diagnostics;
using Edge.Agent.Cgroups;
using Edge.Agent.Publishing;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Benchmarks.ResizeLatency;

/// <summary>
/// Resize latency inside the agent: a resize command handed straight to <see cref="Supervisor.HandleAsync"/> (no
/// MQTT), to the limit written (the <see cref="ResizeWriteClock"/> hook) and to the handler's return (after the
/// accepted / resized / completed events to a no-op sink, the applied-command log and the state file).
/// </summary>
internal static class SupervisorOnlyPhase
{
    public static async Task<(LatencySeries Written, LatencySeries Returned)?> RunAsync(string enforcement, int count, int warmUp)
    {
        var stateDir = Directory.CreateTempSubdirectory("edge-bench-resize-").FullName;
        var parent = "edge-bench-" + Guid.NewGuid().ToString("N")[..8];
        var sink = new RejectionSink();
        var clock = new ResizeWriteClock();
        await using var provider = BuildServices(stateDir, parent, enforcement, sink, clock);
        var supervisor = provider.GetRequiredService<Supervisor>();
        try
        {
            await supervisor.HandleAsync(ResizeCommands.Start(ResizeCommands.BenchNode), CancellationToken.None);
            if (!supervisor.InstanceIds.Contains(ResizeCommands.InstanceId))
            {
                await Console.Error.WriteLineAsync($"resize-latency: the instance did not start: {sink.LastRejection}");
                return null;
            }

            var written = new LatencySeries("supervisor only: command -> limit written (hook)");
            var returned = new LatencySeries("supervisor only: command -> handler returned");
            for (var i = 0; i < count + warmUp; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await supervisor.HandleAsync(ResizeCommands.Resize(ResizeCommands.BenchNode, i), CancellationToken.None);
                var done = Stopwatch.GetTimestamp();
                if (clock.LastWriteTimestamp < started)
                {
                    await Console.Error.WriteLineAsync($"resize-latency: resize {i} was not applied: {sink.LastRejection}");
                    return null;
                }

                if (i >= warmUp)
                {
                    written.Add(Stopwatch.GetElapsedTime(started, clock.LastWriteTimestamp));
                    returned.Add(Stopwatch.GetElapsedTime(started, done));
                }
            }

            var enforced = provider.GetRequiredService<ICgroupDriver>().ReadStats(Supervisor.GroupNameOf(ResizeCommands.InstanceId));
            Console.WriteLine($"supervisor only: enforcement {provider.GetRequiredService<ICgroupDriver>().Mode}, last limit read back: cpu {enforced?.CpuLimitMillicores} millicores, memory {enforced?.MemoryLimitBytes} bytes");
            return (written, returned);
        }
        finally
        {
            await StopAsync(supervisor);
            await supervisor.DisposeAsync();
            ResizeCommands.RemoveParent(parent);
            Directory.Delete(stateDir, recursive: true);
        }
    }

    private static ServiceProvider BuildServices(string stateDir, string parent, string enforcement, INodeEventSink sink, ResizeWriteClock clock)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:NodeId"] = ResizeCommands.BenchNode,
            ["Supervisor:StateDirectory"] = stateDir,
            ["Supervisor:CgroupParent"] = parent,
            ["Supervisor:Enforcement"] = enforcement,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(sink);
        services.AddEdgeSupervision(configuration);
        clock.Instrument(services);
        return services.BuildServiceProvider();
    }

    private static async Task StopAsync(Supervisor supervisor)
    {
        if (supervisor.TryGetInstance(ResizeCommands.InstanceId, out var instance))
        {
            await supervisor.HandleAsync(ResizeCommands.Stop(ResizeCommands.BenchNode), CancellationToken.None);
            await instance.Exited.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Drops events, remembering the last rejection's reason for error messages.</summary>
    private sealed class RejectionSink : INodeEventSink
    {
        public string? LastRejection { get; private set; }

        public ValueTask PublishAsync(NodeEvent nodeEvent, CancellationToken cancellationToken)
        {
            if (nodeEvent.Kind == NodeEventKind.CommandRejected)
            {
                LastRejection = nodeEvent.Reason;
            }

            return ValueTask.CompletedTask;
        }
    }
}
