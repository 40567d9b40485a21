using Edge.Models.Traces;

namespace Edge.Models.Tests.Traces;

public sealed class BitbrainsReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-bitbrains-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Read_ShippedSample_ReadsEveryVmWithDesignConventions()
    {
        var result = BitbrainsReader.Read(SampleData.Bitbrains, [ResourceKind.Cpu, ResourceKind.Memory], TestContext.Current.CancellationToken);

        Assert.Equal(5, result.FilesRead);
        Assert.Equal(10, result.Series.Count);
        var vm126 = result.Series.First(s => s.Id == "vm126" && s.Resource == ResourceKind.Cpu);
        Assert.Equal(vm126.TimestampsS.Distinct().Count(), vm126.Count);
        Assert.All(result.Series, s => Assert.True(s.TimestampsS.Zip(s.TimestampsS.Skip(1)).All(p => p.First < p.Second)));
    }

    [Fact]
    public void Read_HandMadeFile_ConvertsUnitsDropsZeroCoresAndKeepsFirstDuplicate()
    {
        File.WriteAllLines(Path.Combine(_dir, "vm1.csv"),
        [
            "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]",
            "1000;\t4;\t10000;\t5000;\t50;\t4194304;\t2048;\t0;\t0;\t0;\t0",
            "1000;\t4;\t10000;\t9000;\t90;\t4194304;\t4096;\t0;\t0;\t0;\t0",
            "1300;\t0;\t0;\t0;\t0;\t4194304;\t1024;\t0;\t0;\t0;\t0",
            "1600;\t2;\t5000;\t2500;\t50;\t4194304;\t1024;\t0;\t0;\t0;\t0",
        ]);

        var result = BitbrainsReader.Read(_dir, [ResourceKind.Cpu, ResourceKind.Memory], TestContext.Current.CancellationToken);

        var cpu = result.Series.Single(s => s.Resource == ResourceKind.Cpu);
        var memory = result.Series.Single(s => s.Resource == ResourceKind.Memory);
        Assert.Equal([1000L, 1600L], cpu.TimestampsS);
        Assert.Equal([2.0, 1.0], cpu.Values);        // 5000 MHz / (10000 / 4); 2500 / (5000 / 2)
        Assert.Equal([2.0, 1.0], memory.Values);     // 2048 KB / 1024; the duplicate's 4096 is ignored
    }

    [Fact]
    public void Read_Network_IsTheBusierDirectionInMbps()
    {
        File.WriteAllLines(Path.Combine(_dir, "vm1.csv"),
        [
            "header",
            "1000;\t1;\t2000;\t1000;\t50;\t1024;\t512;\t0;\t0;\t125;\t250",
            "1300;\t1;\t2000;\t1000;\t50;\t1024;\t512;\t0;\t0;\t500;\t0",
            "1600;\t1;\t2000;\t1000;\t50;\t1024;\t512;\t0;\t0;\t0;\t0",
        ]);

        var result = BitbrainsReader.Read(_dir, [ResourceKind.Network], TestContext.Current.CancellationToken);

        // KB/s · 8 · 1024 / 10^6: 250 KB/s sent (more than the 125 received) is 2.048 Mbps; 500 received is 4.096.
        var network = Assert.Single(result.Series);
        Assert.Equal(ResourceKind.Network, network.Resource);
        Assert.Equal([2.048, 4.096, 0.0], network.Values.Select(v => Math.Round(v, 9)));
    }

    [Fact]
    public void Read_MalformedLines_ReportsFileAndLineAndKeepsTheRest()
    {
        var path = Path.Combine(_dir, "vm2.csv");
        File.WriteAllLines(path,
        [
            "header",
            "1000;\t1;\t2000;\t1000;\t50;\t1024;\t512;\t0;\t0;\t0;\t0",
            "1300;\t1;\t2000;\tabc;\t50;\t1024;\t512;\t0;\t0;\t0;\t0",
            "1600;\t1;\t2000",
            "1900;\t1;\t2000;\t500;\t25;\t1024;\t512;\t0;\t0;\t0;\t0",
        ]);

        var result = BitbrainsReader.Read(_dir, [ResourceKind.Cpu], TestContext.Current.CancellationToken);

        Assert.Equal(2, result.LinesSkipped);
        Assert.Contains(result.Issues, i => i.File == path && i.Line == 3 && i.Message.Contains("'abc'", StringComparison.Ordinal));
        Assert.Contains(result.Issues, i => i.File == path && i.Line == 4);
        Assert.Equal(2, result.Series.Single().Count);
    }

    [Fact]
    public void Read_CorruptGzip_SkipsTheFileAndReportsIt()
    {
        File.WriteAllText(Path.Combine(_dir, "vm3.csv.gz"), "not gzip");
        File.WriteAllLines(Path.Combine(_dir, "vm4.csv"), ["header", "1000;\t1;\t2000;\t1000;\t50;\t1024;\t512;\t0;\t0;\t0;\t0"]);

        var result = BitbrainsReader.Read(_dir, [ResourceKind.Cpu], TestContext.Current.CancellationToken);

        Assert.Equal(1, result.FilesSkipped);
        Assert.Contains(result.Issues, i => i.File.EndsWith("vm3.csv.gz", StringComparison.Ordinal) && i.Line == 0);
        Assert.Single(result.Series);
    }
}
