using Edge.Agent.Supervision;

namespace Edge.Agent.Tests.Supervision;

public sealed class TokenBucketCountersTests
{
    [Fact]
    public void Parse_TcStatistics_ReadsTheDropsAndOverlimits()
    {
        const string output = "qdisc tbf 8001: root refcnt 2 rate 4Mbit burst 5000b lat 50.0ms \n" +
                              " Sent 1801242 bytes 1487 pkt (dropped 2991, overlimits 3170 requeues 0) \n" +
                              " backlog 0b 0p requeues 0\n";

        Assert.Equal((2991L, 3170L), TokenBucketCounters.Parse(output));
    }

    [Theory]
    [InlineData("")]
    [InlineData("qdisc noqueue 0: root refcnt 2 \n")]
    [InlineData(" Sent 10 bytes 1 pkt (requeues 0)\n")]
    public void Parse_NoStatistics_IsNull(string output) => Assert.Null(TokenBucketCounters.Parse(output));

    [Fact]
    public void Since_ACounterThatWentBack_WasResetAndCountsFromZero()
    {
        var before = new TokenBucketCounters(TxDropped: 50, TxOverlimits: 70, RxDropped: 0, RxOverlimits: 5);
        var now = new TokenBucketCounters(TxDropped: 60, TxOverlimits: 12, RxDropped: 0, RxOverlimits: 5);

        var grew = now.Since(before);

        Assert.Equal(new TokenBucketCounters(10, 12, 0, 0), grew);
        Assert.True(grew.Any);
        Assert.False(now.Since(now).Any);
    }
}
