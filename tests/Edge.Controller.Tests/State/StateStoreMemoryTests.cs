using Edge.Common.Contracts;
using Edge.Controller.State;
using Edge.Controller.Workflows;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.State;

/// <summary>
/// Tests that measure the process's managed heap. They run alone (no other test class in parallel), since
/// <see cref="GC.GetTotalMemory(bool)"/> counts every thread's allocations: a parallel test once made the heap below
/// look 12 MiB larger.
/// </summary>
[CollectionDefinition(nameof(HeapMeasurementCollection), DisableParallelization = true)]
public sealed class HeapMeasurementCollection;

[Collection(nameof(HeapMeasurementCollection))]
public sealed class StateStoreMemoryTests
{
    /// <summary>
    /// A 10,000-step run driven through every transition (placed, then succeeded: 20,000 changes), stored per change:
    /// the file grows with the steps, not with steps × changes (the old journal wrote the whole run per change, about
    /// 15 GB for this run), and the process's managed memory does not grow with the changes.
    /// </summary>
    [Fact]
    public void TenThousandStepRun_StoreGrowsLinearlyInSteps_AndMemoryStaysFlat()
    {
        using var dir = new TempDirectory();
        const int Steps = 10_000;
        var submission = StateTestData.Chain("big", Steps);
        var run = StateTestData.Run(submission);
        using var state = new SqliteStateStore(Path.Combine(dir.Path, "state.db"), StateSynchronous.Normal);
        var store = new WorkflowRunStore(state, null, NullLogger.Instance);
        store.Create(StateTestData.Header("big"), submission, run.Snapshot());
        state.Checkpoint();
        var afterCreate = state.SizeOnDisk();
        long sizeAt1000 = 0, heapAt2000 = 0, heapAt10000 = 0;
        for (var i = 0; i < Steps; i++)
        {
            run.MarkRunning($"s{i}", $"node-{i % 7}", $"big-s{i}-1", 512);
            store.Update(StateTestData.Header("big", updated: i), run.PendingChanges());
            run.AcceptChanges();
            run.Complete($"s{i}", StepOutcome.Succeeded, null);
            store.Update(StateTestData.Header("big", updated: i), run.PendingChanges());
            run.AcceptChanges();
            if (i + 1 == 1000)
            {
                state.Checkpoint();
                sizeAt1000 = state.SizeOnDisk();
            }
            else if (i + 1 == 2000)
            {
                heapAt2000 = GC.GetTotalMemory(forceFullCollection: true);
            }
        }

        heapAt10000 = GC.GetTotalMemory(forceFullCollection: true);
        state.Checkpoint();
        var sizeAt10000 = state.SizeOnDisk();
        var perStep = (double)sizeAt10000 / Steps;
        Assert.True(perStep < 1024, $"{perStep:0} bytes per step at 10,000 steps (file {sizeAt10000} bytes)");

        // Linear: the last 9,000 steps' 18,000 changes added no more per step than the 1,000 before them did.
        var perStepFirst = (double)(sizeAt1000 - afterCreate) / 1000;
        var perStepLater = (double)(sizeAt10000 - sizeAt1000) / 9000;
        Assert.True(perStepLater <= (perStepFirst * 1.5) + 64, $"growth per step {perStepFirst:0} bytes over the first 1,000, {perStepLater:0} over the next 9,000");

        var growth = heapAt10000 - heapAt2000;
        Assert.True(growth < 8 * 1024 * 1024, $"managed heap grew {growth / 1024.0 / 1024.0:0.0} MiB between 2,000 and 10,000 steps");
        Assert.Equal(Steps, state.Count(WorkflowRunStore.StepsOf("big")));
        Assert.All(store.Load().Single().Steps, s => Assert.Equal(WorkflowStepState.Succeeded, s.State));
    }
}
