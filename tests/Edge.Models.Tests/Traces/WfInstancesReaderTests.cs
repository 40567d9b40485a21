using Edge.Models.Traces;

namespace Edge.Models.Tests.Traces;

public sealed class WfInstancesReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-wf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Read_ShippedSample_BuildsOneRunSeriesPerComponentInTimeOrder()
    {
        var result = WfInstancesReader.Read(SampleData.WfInstances, [ResourceKind.Memory], TestContext.Current.CancellationToken);

        Assert.Equal(5, result.FilesRead);
        Assert.Empty(result.Issues);
        var blast = result.Series.Single(s => s.Id == "makeflow/blast/blastall");
        Assert.True(blast.SamplesAreRuns);
        Assert.Equal(2, blast.TimestampsS.Distinct().Count());
        Assert.Contains(result.Series, s => s.Id.StartsWith("pegasus/srasearch/", StringComparison.Ordinal));
        Assert.All(result.Series, s => Assert.True(s.TimestampsS.Zip(s.TimestampsS.Skip(1)).All(p => p.First <= p.Second)));
        Assert.All(result.Series, s => Assert.NotNull(s.DurationsS));
    }

    [Fact]
    public void Read_InvalidJson_ReportsTheFileAndLine()
    {
        var path = Path.Combine(_dir, "broken.json");
        File.WriteAllText(path, "{\n  \"workflow\": {\n    oops\n}");

        var result = WfInstancesReader.Read(_dir, [ResourceKind.Memory], TestContext.Current.CancellationToken);

        var issue = Assert.Single(result.Issues);
        Assert.Equal(path, issue.File);
        Assert.Contains("line 3", issue.Message, StringComparison.Ordinal);
        Assert.Equal(1, result.FilesSkipped);
    }

    [Fact]
    public void Read_CompactPegasusDate_IsParsed()
    {
        File.WriteAllText(Path.Combine(_dir, "x.json"), """
            {"workflow":{"specification":{"tasks":[{"id":"a_ID0000001","name":"a_ID0000001"}]},
             "execution":{"executedAt":"20200401T054215+0000","tasks":[{"id":"a_ID0000001","memoryInBytes":1048576,"runtimeInSeconds":2}]}}}
            """);

        var result = WfInstancesReader.Read(_dir, [ResourceKind.Memory], TestContext.Current.CancellationToken);

        var series = Assert.Single(result.Series);
        Assert.EndsWith("/a", series.Id, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.Parse("2020-04-01T05:42:15Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds(), series.TimestampsS[0]);
        Assert.Equal([1.0], series.Values);
    }

    [Fact]
    public void Read_TaskInputFiles_SumsTheirSizesAndCountsUnknownFilesAsZero()
    {
        File.WriteAllText(Path.Combine(_dir, "x.json"), """
            {"workflow":{"specification":{
               "tasks":[{"id":"a_ID0000001","name":"a_ID0000001","inputFiles":["f1","f2","missing"]},
                        {"id":"a_ID0000002","name":"a_ID0000002"}],
               "files":[{"id":"f1","sizeInBytes":1000},{"id":"f2","sizeInBytes":234}]},
             "execution":{"executedAt":"2020-04-01T05:42:15Z","tasks":[
               {"id":"a_ID0000001","memoryInBytes":1048576,"runtimeInSeconds":2},
               {"id":"a_ID0000002","memoryInBytes":2097152,"runtimeInSeconds":2}]}}}
            """);

        var result = WfInstancesReader.Read(_dir, [ResourceKind.Memory], TestContext.Current.CancellationToken);

        var series = Assert.Single(result.Series);
        Assert.Equal([1234.0, 0], series.InputBytes!);
        Assert.Equal([1.0, 2], series.Values);
    }

    [Fact]
    public void Read_Network_IsTheBusierIoDirectionOverTheRuntime_TasksWithoutCountersLeftOut()
    {
        File.WriteAllText(Path.Combine(_dir, "x.json"), """
            {"workflow":{"specification":{"tasks":[{"id":"a_ID0000001","name":"a_ID0000001"},{"id":"a_ID0000002","name":"a_ID0000002"},{"id":"a_ID0000003","name":"a_ID0000003"},{"id":"a_ID0000004","name":"a_ID0000004"}]},
             "execution":{"executedAt":"2024-01-01T00:00:00Z","tasks":[
               {"id":"a_ID0000001","runtimeInSeconds":4,"readBytes":2000000,"writtenBytes":1000000},
               {"id":"a_ID0000002","runtimeInSeconds":2,"readBytes":0,"writtenBytes":5000000},
               {"id":"a_ID0000003","runtimeInSeconds":2,"readBytes":1000},
               {"id":"a_ID0000004","runtimeInSeconds":0,"readBytes":1000,"writtenBytes":1000}]}}}
            """);

        var result = WfInstancesReader.Read(_dir, [ResourceKind.Network, ResourceKind.Memory], TestContext.Current.CancellationToken);

        // 2 MB read in 4 s is 4 Mbps; 5 MB written in 2 s is 20 Mbps; one counter missing, or no runtime: no sample.
        var network = Assert.Single(result.Series);
        Assert.Equal(ResourceKind.Network, network.Resource);
        Assert.True(network.SamplesAreRuns);
        Assert.Equal([4.0, 20.0], network.Values);
        Assert.Equal([4.0, 2.0], network.DurationsS!);
    }

    [Fact]
    public void Read_BadDate_SkipsTheInstance()
    {
        File.WriteAllText(Path.Combine(_dir, "x.json"), """{"workflow":{"execution":{"executedAt":"yesterday","tasks":[]}}}""");

        var result = WfInstancesReader.Read(_dir, [ResourceKind.Memory], TestContext.Current.CancellationToken);

        Assert.Contains(result.Issues, i => i.Message.Contains("'yesterday'", StringComparison.Ordinal));
    }
}
