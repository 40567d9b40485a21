using Edge.Models.Backtest.Sizing;
using Edge.Models.Traces;

namespace Edge.Models.Tests.Backtest.Sizing;

public sealed class NextflowTraceReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-nextflow-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("1.2 GB", 1.2 * 1024 * 1024 * 1024)]
    [InlineData("345 MB", 345.0 * 1024 * 1024)]
    [InlineData("512 KB", 512.0 * 1024)]
    [InlineData("100 B", 100.0)]
    [InlineData("77309411328", 77309411328.0)]
    [InlineData("2 TB", 2.0 * 1024 * 1024 * 1024 * 1024)]
    public void TryMemoryBytes_ReadsNextflowUnitsInPowersOf1024AndRawBytes(string text, double expected)
    {
        Assert.True(NextflowTraceReader.TryMemoryBytes(text, out var bytes));
        Assert.Equal(expected, bytes!.Value, 6);
    }

    [Theory]
    [InlineData("2m 3s", 123_000.0)]
    [InlineData("1h 2m 3s", 3_723_000.0)]
    [InlineData("4.5s", 4_500.0)]
    [InlineData("300ms", 300.0)]
    [InlineData("1d 2h", 93_600_000.0)]
    [InlineData("17771", 17_771.0)]
    public void TryDurationMs_ReadsNextflowDurationsAndRawMilliseconds(string text, double expected)
    {
        Assert.True(NextflowTraceReader.TryDurationMs(text, out var ms));
        Assert.Equal(expected, ms!.Value, 6);
    }

    [Theory]
    [InlineData("12 XB")]
    [InlineData("lots")]
    public void TryMemoryBytes_RejectsWhatIsNotASize(string text) => Assert.False(NextflowTraceReader.TryMemoryBytes(text, out _));

    [Theory]
    [InlineData("2 minutes")]
    [InlineData("3s later")]
    public void TryDurationMs_RejectsWhatIsNotADuration(string text) => Assert.False(NextflowTraceReader.TryDurationMs(text, out _));

    [Fact]
    public void TryPercentAndMissing_ReadPercentAndDashAsNotRecorded()
    {
        Assert.True(NextflowTraceReader.TryPercent("85.3%", out var pct));
        Assert.Equal(85.3, pct);
        Assert.True(NextflowTraceReader.TryMemoryBytes("-", out var none));
        Assert.Null(none);
    }

    [Fact]
    public void Read_TabSeparatedDefaultFields_UsesNameWithoutTagKeepsCompletedAndCachedOnly()
    {
        var file = Write("trace.txt",
            "task_id\thash\tnative_id\tname\tstatus\texit\tsubmit\tduration\trealtime\t%cpu\tpeak_rss\tpeak_vmem\trchar\twchar",
            "1\tab/123456\t100\tNFCORE_X:X:FASTQC (s1)\tCOMPLETED\t0\t2024-06-20 21:48:38.229\t1m 5s\t1m\t95.0%\t1.5 GB\t3 GB\t2 GB\t1 MB",
            "2\tab/123457\t101\tNFCORE_X:X:FASTQC (s2)\tFAILED\t137\t2024-06-20 21:48:38.229\t10s\t9s\t-\t-\t-\t-\t-",
            "3\tab/123458\t102\tNFCORE_X:X:FASTQC (s3)\tCACHED\t0\t2024-06-20 21:48:38.229\t30s\t28s\t95.0%\t512 MB\t1 GB\t1 GB\t1 MB");

        var set = NextflowTraceReader.Read([file], TestContext.Current.CancellationToken);

        Assert.Empty(set.Issues);
        Assert.Equal(2, set.Tasks.Count);
        var first = set.Tasks[0];
        Assert.Equal("NFCORE_X", first.Workflow);
        Assert.Equal("NFCORE_X:X:FASTQC", first.TaskType);
        Assert.Equal(1.5 * 1024, first.PeakMiB, 6);
        Assert.Equal(60, first.RuntimeS, 6);
        Assert.Equal(2.0 * 1024 * 1024 * 1024, first.InputBytes, 3);
        Assert.Null(first.RequestedMiB);
        Assert.Equal(512, set.Tasks[1].PeakMiB, 6);
    }

    [Fact]
    public void Read_CsvRawForm_ReadsBytesMillisecondsQuotesAndRequestedMemory()
    {
        var file = Write("trace.csv",
            "task_id,process,tag,name,status,memory,realtime,peak_rss,rchar",
            "25,NFCORE_METHYLSEQ:METHYLSEQ:TRIMGALORE,S1,\"NFCORE_METHYLSEQ:METHYLSEQ:TRIMGALORE (S1, lane 2)\",COMPLETED,77309411328,10000,311390208,451684785");

        var set = NextflowTraceReader.Read([file], TestContext.Current.CancellationToken);

        var task = Assert.Single(set.Tasks);
        Assert.Equal("NFCORE_METHYLSEQ:METHYLSEQ:TRIMGALORE", task.TaskType);
        Assert.Equal(72 * 1024, task.RequestedMiB!.Value, 6);
        Assert.Equal(10, task.RuntimeS, 6);
        Assert.Equal(311390208 / 1048576.0, task.PeakMiB, 6);
        Assert.Equal(451684785, task.InputBytes, 3);
    }

    [Fact]
    public void Read_RawCsvWithSchedulerColumnsAndAttempts_CountsEachCompletedAttemptOnceAndSkipsFailedOnes()
    {
        // Written for this test in the layout of a raw (trace.raw = true) CSV trace with extra scheduler_* fields.
        var file = Write("trace_demo.csv",
            "task_id,process,tag,name,status,exit,memory,attempt,realtime,rss,peak_rss,rchar,scheduler_time_in_queue,scheduler_nodes_cost,create_request_time",
            "1,align,s1,align (s1),COMPLETED,0,2147483648,1,60000,104857600,209715200,1048576,12,-,5",
            "2,align,s2,align (s2),FAILED,1,2147483648,1,-,-,-,-,9,-,4",
            "3,align,s2,align (s2),COMPLETED,0,4294967296,2,90000,157286400,314572800,2097152,-,0.5,3",
            "4,index,s1,index (s1),COMPLETED,0,1073741824,1,0,1048576,2097152,4096,7,-,2",
            "5,index,s2,index (s2),COMPLETED,0,1073741824,1,1200,0,0,4096,7,-,2");

        var set = NextflowTraceReader.Read([file], TestContext.Current.CancellationToken);

        // The FAILED attempt is not a task (no usable peak; its retry is); the retry counts once, at its own peak and request.
        Assert.Equal(["align", "align", "index"], set.Tasks.Select(t => t.TaskType));
        Assert.All(set.Tasks, t => Assert.Equal("trace_demo", t.Workflow));
        var retry = set.Tasks[1];
        Assert.Equal(300, retry.PeakMiB, 6);
        Assert.Equal(90, retry.RuntimeS, 6);
        Assert.Equal(4096, retry.RequestedMiB!.Value, 6);
        Assert.Equal(2097152, retry.InputBytes, 3);

        // A completed task too short to time (realtime 0) counts at 1 ms; one with no peak sampled (0) is skipped, named.
        Assert.Equal(0.001, set.Tasks[2].RuntimeS, 9);
        Assert.Equal(new TraceIssue(file, 6, "column peak_rss: '0' is not a memory size above 0"), Assert.Single(set.Issues));
        Assert.Equal(1, set.LinesSkipped);
    }

    [Fact]
    public void Read_MissingNeededColumns_SkipsTheFileNamingFileAndEveryMissingColumn()
    {
        var file = Write("trace.txt", "task_id\tname\tstatus\tduration", "1\tA (x)\tCOMPLETED\t1m");
        var good = Write("good.txt", "process\tpeak_rss\trealtime", "P\t1 GB\t1m");

        var set = NextflowTraceReader.Read([file, good], TestContext.Current.CancellationToken);

        var issue = Assert.Single(set.Issues);
        Assert.Equal(file, issue.File);
        Assert.Contains("peak_rss (or rss)", issue.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("realtime", issue.Message.Split(';')[0], StringComparison.Ordinal);
        Assert.Equal(1, set.FilesSkipped);
        Assert.Equal(1, set.FilesRead);
        Assert.Equal("good", Assert.Single(set.Tasks).Workflow);
    }

    [Fact]
    public void Read_BadValue_SkipsTheLineNamingLineColumnAndValueAndKeepsTheRest()
    {
        var file = Write("trace.txt", "process\tpeak_rss\trealtime\trchar", "P\t1 GB\t1m\t1 GB", "P\tlots\t1m\t1 GB", "P\t2 GB\tsoon\t1 GB", "P\t3 GB\t2m\t2 GB");

        var set = NextflowTraceReader.Read([file], TestContext.Current.CancellationToken);

        Assert.Equal(2, set.Tasks.Count);
        Assert.Equal(2, set.LinesSkipped);
        Assert.Equal(new TraceIssue(file, 3, "column peak_rss: 'lots' is not a memory size above 0"), set.Issues[0]);
        Assert.Equal(4, set.Issues[1].Line);
        Assert.Contains("realtime: 'soon'", set.Issues[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ShippedSample_HasThreeTaskTypesWithEnoughInstancesAndItsRequests()
    {
        var set = NextflowTraceReader.Read([SampleData.NextflowTrace], TestContext.Current.CancellationToken);

        Assert.Empty(set.Issues);
        Assert.Equal(163, set.Tasks.Count);
        Assert.Equal(3, SizingBacktest.Groups(set.Tasks, 34).Count);
        Assert.All(set.Tasks, t => Assert.NotNull(t.RequestedMiB));
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }
}
