using Edge.Controller.State;
using Edge.Controller.Tests.Infrastructure;
using Edge.Models.Forecasting;
using Microsoft.Extensions.Logging;

namespace Edge.Controller.Tests.State;

/// <summary>
/// The workflow service's per-component task sizers in the state store (SQLite file): what a controller learned is
/// what the restarted one sizes with; saved per task; damaged records are reported and the sizer learns again.
/// </summary>
public sealed class TaskSizerStoreTests
{
    [Fact]
    public void Restart_LoadsEverySizer_WhichSizesAndRetriesAsBefore()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "state.db");
        var log = new CapturedLog();
        var sort = new TaskSizer();
        var index = new TaskSizer();
        var random = new Random(17);
        using (var state = new SqliteStateStore(path))
        {
            var store = new TaskSizerStore(state, log.CreateLogger("sizers"));
            int sortStored = 0, indexStored = 0;
            for (var i = 0; i < 80; i++)
            {
                // As the workflow service does: learn a finished task, then save what the store does not have yet.
                var input = 1e6 + random.Next(50_000_000);
                sort.Size(input);
                sort.Learn(30 + (input / 2e5) + random.Next(25), 20 + random.Next(200), input);
                sortStored = store.Save("nf/samtools-sort", sort, sortStored);
                if (i % 2 == 0)
                {
                    index.Size(input);
                    index.Learn(12 + random.Next(3), 4, input);
                    indexStored = store.Save("nf/samtools-index", index, indexStored);
                }
            }

            Assert.Equal(80, sortStored);
            Assert.Equal(80, state.Count(TaskSizerStore.TasksOf("nf/samtools-sort")));
        }

        using var reopened = new SqliteStateStore(path);
        var loaded = new TaskSizerStore(reopened, log.CreateLogger("sizers")).Load();
        Assert.Equal(["nf/samtools-index", "nf/samtools-sort"], loaded.Keys.Order(StringComparer.Ordinal));
        foreach (var (component, before) in new[] { ("nf/samtools-sort", sort), ("nf/samtools-index", index) })
        {
            var after = loaded[component];
            Assert.Equal(before.Count, after.Count);
            foreach (var input in new[] { 2e6, 1e7, 3e7, 5e7 })
            {
                var size = before.Size(input);
                Assert.NotNull(size);
                Assert.Equal(size, after.Size(input));
                Assert.Equal(before.Retry(size.Value), after.Retry(size.Value));
            }
        }

        Assert.Empty(log.Errors);
    }

    [Fact]
    public void RefusedWrite_KeepsTheSizerAndTheNextSaveWritesWhatIsMissing()
    {
        using var dir = new TempDirectory();
        var log = new CapturedLog();
        using var state = new SqliteStateStore(Path.Combine(dir.Path, "state.db"));
        var flaky = new RefusingStateStore(state);
        var store = new TaskSizerStore(flaky, log.CreateLogger("sizers"));
        var sizer = new TaskSizer();
        var stored = 0;
        for (var i = 0; i < 10; i++)
        {
            sizer.Size(1000 * (i + 1));
            sizer.Learn(50 + i, 10, 1000 * (i + 1));
            flaky.Refuse = i is 3 or 4;
            stored = store.Save("c", sizer, stored);
            Assert.Equal(i is 3 or 4 ? 3 : i + 1, stored);
        }

        Assert.Equal(2, log.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("component c not saved", StringComparison.Ordinal)));
        var loaded = new TaskSizerStore(state, log.CreateLogger("sizers")).Load()["c"];
        Assert.Equal(10, loaded.Count);
        Assert.Equal(sizer.Size(4000), loaded.Size(4000));
    }

    [Fact]
    public void DamagedOrIncompleteSizer_IsReportedAndLeftOut_TheOthersLoad()
    {
        using var dir = new TempDirectory();
        var log = new CapturedLog();
        using var state = new SqliteStateStore(Path.Combine(dir.Path, "state.db"));
        var store = new TaskSizerStore(state, log.CreateLogger("sizers"));
        foreach (var component in new[] { "good", "gap", "junk" })
        {
            var sizer = new TaskSizer();
            for (var i = 0; i < 6; i++)
            {
                sizer.Size(100);
                sizer.Learn(10 + i, 1, 100);
            }

            store.Save(component, sizer, 0);
        }

        state.Commit([StateChange.Delete(TaskSizerStore.TasksOf("gap"), "00000002")]);
        state.Commit([StateChange.Put(TaskSizerStore.TasksOf("junk"), "00000001", "{\"peak\": \"lots\"}"u8.ToArray())]);

        var loaded = store.Load();
        Assert.Equal(["good"], loaded.Keys);
        Assert.Contains(log.Errors, e => e.Contains("component gap", StringComparison.Ordinal) && e.Contains("6 tasks expected, 5 stored", StringComparison.Ordinal));
        Assert.Contains(log.Errors, e => e.Contains("component junk", StringComparison.Ordinal) && e.Contains("task-sizer-tasks/junk/00000001", StringComparison.Ordinal));
    }
}
