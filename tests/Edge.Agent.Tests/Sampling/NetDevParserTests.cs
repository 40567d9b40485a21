using System.Text;
using Edge.Agent.Sampling;
using static Edge.Agent.Tests.TestSupport;

namespace Edge.Agent.Tests.Sampling;

public sealed class NetDevParserTests
{
    internal const string Sample = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0
          eth0: 238782027    5638    0    0    0     0          0         0   336227    4108    0    0    0     0       0          0
        """;

    [Fact]
    public void MoveNext_HandMadeText_YieldsEachInterfaceCounters()
    {
        var found = new List<(string, NetDevCounters)>();
        var parser = new NetDevParser(Ascii(Sample));
        while (parser.MoveNext(out var name, out var counters))
        {
            found.Add((Encoding.ASCII.GetString(name), counters));
        }

        Assert.Equal(
            [("lo", new NetDevCounters(3193, 29, 3193, 29)), ("eth0", new NetDevCounters(238782027, 5638, 336227, 4108))],
            found);
    }

    [Fact]
    public void MoveNext_RealProcNetDev_IncludesLoopback()
    {
        var names = new List<string>();
        var parser = new NetDevParser(File.ReadAllBytes("/proc/net/dev"));
        while (parser.MoveNext(out var name, out _))
        {
            names.Add(Encoding.ASCII.GetString(name));
        }

        Assert.Contains("lo", names);
    }

    [Fact]
    public void TryRates_TwoSnapshotsTwoSecondsApart_HalvesTheDeltas()
    {
        var ok = NetDevCounters.TryRates(new NetDevCounters(1000, 10, 500, 5), new NetDevCounters(3000, 30, 1500, 9), 2, out var rates);

        Assert.True(ok);
        Assert.Equal(new NetDevRates(1000, 10, 500, 2), rates);
    }

    [Fact]
    public void TryRates_CounterReset_ReportsNothing()
    {
        Assert.False(NetDevCounters.TryRates(new NetDevCounters(1000, 10, 500, 5), new NetDevCounters(10, 1, 600, 6), 1, out _));
    }
}
