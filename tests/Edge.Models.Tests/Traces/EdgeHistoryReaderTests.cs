using Edge.Models.Traces;

namespace Edge.Models.Tests.Traces;

public sealed class EdgeHistoryReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-history-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Read_ShippedSample_ReadsCpuAndMemoryOfTheInstance()
    {
        var result = EdgeHistoryReader.Read(SampleData.Edge, [ResourceKind.Cpu, ResourceKind.Memory], TestContext.Current.CancellationToken);

        Assert.Equal(2, result.Series.Count);
        Assert.All(result.Series, s => Assert.Equal("node-a/instance/vm116", s.Id));
        Assert.Empty(result.Issues);
    }

    [Fact]
    public void Read_Network_IsTheBusierDirectionAtEachSecond()
    {
        File.WriteAllLines(Path.Combine(_dir, "a.csv"),
        [
            EdgeHistoryReader.Header,
            "1000,n,instance/i-1,net.rx.mbps,2.5",
            "1000,n,instance/i-1,net.tx.mbps,7.5",
            "2000,n,instance/i-1,net.tx.mbps,1",
            "2000,n,instance/i-1,net.rx.mbps,3",
            "3000,n,instance/i-1,net.tx.mbps,4",
        ]);

        var result = EdgeHistoryReader.Read(_dir, [ResourceKind.Network], TestContext.Current.CancellationToken);

        var network = Assert.Single(result.Series);
        Assert.Equal(("n/instance/i-1", ResourceKind.Network), (network.Id, network.Resource));
        Assert.Equal([1L, 2L, 3L], network.TimestampsS);
        Assert.Equal([7.5, 3.0, 4.0], network.Values);
    }

    [Fact]
    public void Read_BadLineAndWrongHeader_ReportsFileAndLine()
    {
        var good = Path.Combine(_dir, "a.csv");
        File.WriteAllLines(good, [EdgeHistoryReader.Header, "1000,n,node,cpu.usage.cores,1.5", "2000,n,node,cpu.usage.cores,x", "3000,n,node,mem.used.mib,10"]);
        File.WriteAllLines(Path.Combine(_dir, "b.csv"), ["time,value", "1,2"]);

        var result = EdgeHistoryReader.Read(_dir, [ResourceKind.Cpu, ResourceKind.Memory], TestContext.Current.CancellationToken);

        Assert.Contains(result.Issues, i => i.File == good && i.Line == 3);
        Assert.Contains(result.Issues, i => i.File.EndsWith("b.csv", StringComparison.Ordinal) && i.Line == 0);
        Assert.Equal([1.5], result.Series.Single(s => s.Resource == ResourceKind.Cpu).Values);
        Assert.Equal([10.0], result.Series.Single(s => s.Resource == ResourceKind.Memory).Values);
    }
}
