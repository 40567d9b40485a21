using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.State;
using Edge.Controller.Workflows;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.State;

/// <summary>The allocation and workflow stores on SQLite: restart, one-id-one-place, journal import on upgrade, bounded growth.</summary>
public sealed class StateStoresTests
{
    [Fact]
    public void Allocations_PutAllocationOfAQueuedId_MovesItInOneTransactionAndSurvivesRestart()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "state.db");
        using (var store = StateTestData.Allocations(path))
        {
            store.PutQueued(StateTestData.Queued("q1", 1));
            store.PutQueued(StateTestData.Queued("q2", 2));
            store.PutAllocation(StateTestData.Allocation("q1"));
            store.PutAllocation(StateTestData.Allocation("a1"));
            store.RemoveAllocation("a1");
        }

        using var reopened = StateTestData.Allocations(path);
        var snapshot = reopened.Load();
        Assert.Equal(["q1"], snapshot.Allocations.Select(a => a.AllocationId));
        Assert.Equal(["q2"], snapshot.Queue.Select(q => q.AllocationId));
        reopened.PutQueued(StateTestData.Queued("q1", 3));
        Assert.Empty(reopened.Load().Allocations);
    }

    [Fact]
    public void Allocations_UpgradeFromTheJournal_ImportsOnceAndKeepsTheOldFilesAside()
    {
        using var dir = new TempDirectory();
        var legacy = Path.Combine(dir.Path, "placement");
        using (var journal = new JournalAllocationStore(legacy, 1000, fsync: true, NullLogger<JournalAllocationStore>.Instance))
        {
            journal.Load();
            journal.PutAllocation(StateTestData.Allocation("old-1", "node-a"));
            journal.PutAllocation(StateTestData.Allocation("old-2"));
            journal.RemoveAllocation("old-2");
            journal.PutQueued(StateTestData.Queued("wait-2", 7));
            journal.PutQueued(StateTestData.Queued("wait-1", 5));
        }

        var path = Path.Combine(dir.Path, "state.db");
        using (var store = StateTestData.Allocations(path, legacy))
        {
            var snapshot = store.Load();
            Assert.Equal(["old-1"], snapshot.Allocations.Select(a => a.AllocationId));
            Assert.Equal("node-a", snapshot.Allocations[0].NodeId);
            Assert.Equal(["wait-1", "wait-2"], snapshot.Queue.Select(q => q.AllocationId));
            store.RemoveAllocation("old-1");
        }

        Assert.False(File.Exists(Path.Combine(legacy, "broker-journal.jsonl")));
        Assert.True(File.Exists(Path.Combine(legacy, "broker-journal.jsonl.imported")));
        Assert.True(File.Exists(Path.Combine(legacy, "broker-snapshot.json.imported")));

        // A journal file that reappears (an old binary started by mistake) is not imported over the store again.
        File.Copy(Path.Combine(legacy, "broker-snapshot.json.imported"), Path.Combine(legacy, "broker-snapshot.json"));
        using var again = StateTestData.Allocations(path, legacy);
        Assert.Empty(again.Load().Allocations);
    }

    [Fact]
    public void Runs_UpgradeFromTheJournal_ImportsEveryRunAtItsLastState()
    {
        using var dir = new TempDirectory();
        var legacy = Path.Combine(dir.Path, "workflows");
        var submission = StateTestData.Chain("r1", 3);
        var run = StateTestData.Run(submission);
        using (var journal = new WorkflowJournal(legacy, NullLogger.Instance))
        {
            journal.Load(10);
            journal.Append(new WorkflowJournalRecord { RunId = "r1", Submission = submission, SubmittedAtMs = 5, UpdatedAtMs = 5, Steps = run.Snapshot() });
            run.MarkRunning("s0", "node-a", "i0", 256);
            journal.Append(new WorkflowJournalRecord { RunId = "r1", UpdatedAtMs = 9, Steps = run.Snapshot() });
        }

        using var state = new SqliteStateStore(Path.Combine(dir.Path, "state.db"));
        var store = new WorkflowRunStore(state, legacy, NullLogger.Instance);
        var loaded = Assert.Single(store.Load());

        Assert.Equal("r1", loaded.Header.RunId);
        Assert.Equal(5, loaded.Header.SubmittedAtMs);
        Assert.Equal(9, loaded.Header.UpdatedAtMs);
        Assert.Equal(3, loaded.Submission.Steps.Count);
        Assert.Equal([WorkflowStepState.Running, WorkflowStepState.Pending, WorkflowStepState.Pending], loaded.Steps.Select(s => s.State));
        Assert.Equal("node-a", loaded.Steps[0].NodeId);
        Assert.True(File.Exists(Path.Combine(legacy, "runs.jsonl.imported")));
        Assert.False(File.Exists(Path.Combine(legacy, "runs.jsonl")));
        Assert.Single(store.Load());
    }

    [Fact]
    public void Runs_UpdateWritesOnlyChangedSteps_DeleteRemovesTheWholeRun()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "state.db");
        var submission = StateTestData.Chain("r1", 4);
        var run = StateTestData.Run(submission);
        using (var state = new SqliteStateStore(path))
        {
            var store = new WorkflowRunStore(state, null, NullLogger.Instance);
            store.Create(StateTestData.Header("r1"), submission, run.Snapshot());
            store.Create(StateTestData.Header("r2"), StateTestData.Chain("r2", 2), StateTestData.Run(StateTestData.Chain("r2", 2)).Snapshot());
            run.MarkRunning("s0", "n", "i0", 100);
            Assert.Equal(["s0"], run.PendingChanges().Select(s => s.StepId));
            store.Update(StateTestData.Header("r1", updated: 7), run.PendingChanges());
            run.AcceptChanges();
            Assert.False(run.HasChanges);
            store.Delete(["r2"]);
            Assert.Equal(0, state.Count(WorkflowRunStore.StepsOf("r2")));
        }

        using var reopened = new SqliteStateStore(path);
        var loaded = Assert.Single(new WorkflowRunStore(reopened, null, NullLogger.Instance).Load());
        Assert.Equal(7, loaded.Header.UpdatedAtMs);
        Assert.Equal(WorkflowStepState.Running, loaded.Steps[0].State);
        Assert.Equal(4, loaded.Steps.Count);
    }

    [Fact]
    public void WorkflowRun_RevertChanges_PutsEveryChangedStepBackAsItWas()
    {
        var run = StateTestData.Run(StateTestData.Chain("r", 3));
        run.MarkRunning("s0", "n", "i0", 100);
        run.AcceptChanges();
        run.Complete("s0", StepOutcome.OomKilled, "oom");
        run.MarkRunning("s0", "n2", "i1", 200);

        run.RevertChanges();

        var s0 = run.Step("s0");
        Assert.Equal((WorkflowStepState.Running, 1, "n", "i0", 100.0, (double?)null), (s0.State, s0.Attempt, s0.NodeId, s0.InstanceId, s0.MemoryLimitMiB!.Value, s0.MemoryFloorMiB));
        Assert.False(run.HasChanges);
    }
}
