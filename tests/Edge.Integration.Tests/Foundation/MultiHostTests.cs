using Edge.Common.Contracts;
using Edge.Integration.Tests.Harness;

namespace Edge.Integration.Tests.Foundation;

/// <summary>Several hosts on one machine: agents in their own network namespaces, reaching mosquitto over veth links.</summary>
public sealed class MultiHostTests
{
    [Fact]
    public async Task ThreeHosts_ExternalMosquitto_EachStreamsItsOwnNetwork()
    {
        string[] nodes = ["it-h1", "it-h2", "it-h3"];
        await using var fleet = await HostFleet.StartAsync(nodes);
        var system = fleet.System;
        foreach (var node in nodes)
        {
            var series = await Poll.UntilAsync(
                async () =>
                {
                    var json = await system.GetJsonAsync($"/api/nodes/{node}/series");
                    var names = json.EnumerateArray().Select(s => s.GetProperty("metric").GetString()!).ToList();
                    return names.Any(n => n.StartsWith("net.", StringComparison.Ordinal) && n.Contains(".rx.bytes_per_s", StringComparison.Ordinal)) ? names : null;
                },
                TimeSpan.FromSeconds(60),
                $"network series of {node}",
                () => system.Diagnostics);

            // Inside its namespace the agent sees its veth end, not the machine's eth0.
            Assert.Contains(series, n => n.StartsWith("net.eit", StringComparison.Ordinal));
            Assert.DoesNotContain(series, n => n.StartsWith("net.eth0.", StringComparison.Ordinal));
            Assert.NotEmpty(await system.PointsAsync(node, MetricNames.NodeScope, MetricNames.CpuCores, TimeSpan.FromMinutes(5)));
        }
    }
}
