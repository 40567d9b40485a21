using Edge.Common.Contracts;
using Edge.Ctl.Components;

namespace Edge.Controller.Tests.Ctl;

public sealed class ComponentsRenderTests
{
    [Fact]
    public void Render_RunWithEvents_ListsThrottlingAndTheRefusedResizeUnderItsInstance()
    {
        var kept = new ResourceQuantity(500, 256, 4);
        var run = new RunRecord
        {
            ComponentId = "etl/send", InstanceId = "i-1", NodeId = "node-a", StartedAtMs = 1_764_000_000_000, EndedAtMs = 1_764_000_030_000, Outcome = "succeeded",
            NetworkThrottleEvents = 3, ResizesRefused = 1,
            Events =
            [
                new RunEvent { AtMs = 1_764_000_001_000, Kind = NodeEventKind.InstanceNetworkThrottled, NodeId = "node-a", Values = new Dictionary<string, double> { ["net_limit_mbps"] = 4, ["net_tx_mbps"] = 3.97, ["net_tx_dropped"] = 12 } },
                new RunEvent { AtMs = 1_764_000_002_000, Kind = NodeEventKind.CommandRejected, NodeId = "node-a", CommandKind = CommandKind.Resize, OldLimits = kept, NewLimits = kept with { NetworkMbps = 8 }, Reason = "network cap 8 Mbps could not be applied" },
            ],
        };
        var quiet = run with { InstanceId = "i-2", NetworkThrottleEvents = 0, ResizesRefused = 0, Events = [] };
        var text = ComponentsCommand.Render(new ComponentSummary("etl/send", 2, 2, 0, 0, null, null, null, null, 0, 0, null, [run, quiet]));

        Assert.Contains("i-1: 3 network throttled, 0 CPU throttled, 1 resize(s) refused", text, StringComparison.Ordinal);
        Assert.Contains("network held at its 4 Mbps cap (sent 3.97, received 0; dropped 12 packets)", text, StringComparison.Ordinal);
        Assert.Contains("resize refused (", text, StringComparison.Ordinal);
        Assert.Contains("4 Mbps kept", text, StringComparison.Ordinal);
        Assert.Contains("8 Mbps asked): network cap 8 Mbps could not be applied", text, StringComparison.Ordinal);
        Assert.DoesNotContain("i-2:", text, StringComparison.Ordinal);
    }
}
