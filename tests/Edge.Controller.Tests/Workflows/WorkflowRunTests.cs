using Edge.Common.Contracts;
using Edge.Controller.Workflows;

namespace Edge.Controller.Tests.Workflows;

public sealed class WorkflowRunTests
{
    [Fact]
    public void ReadySteps_FollowDependencyOrder()
    {
        var run = new WorkflowRun("r1", WorkflowValidatorTests.Dag(("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"])), new WorkflowRetryPolicy());

        Assert.Equal(["a"], run.ReadySteps().Select(s => s.Id));
        run.MarkRunning("a", "n1", "i-a", 100);
        Assert.Empty(run.ReadySteps());
        run.Complete("a", StepOutcome.Succeeded, null);
        Assert.Equal(["b", "c"], run.ReadySteps().Select(s => s.Id).Order());
        run.MarkRunning("b", "n1", "i-b", 100);
        run.Complete("b", StepOutcome.Succeeded, null);
        Assert.Equal(["c"], run.ReadySteps().Select(s => s.Id));
        run.MarkRunning("c", "n1", "i-c", 100);
        run.Complete("c", StepOutcome.Succeeded, null);
        Assert.Equal(["d"], run.ReadySteps().Select(s => s.Id));
        run.MarkRunning("d", "n1", "i-d", 100);
        run.Complete("d", StepOutcome.Succeeded, null);

        Assert.Equal(WorkflowStepState.Succeeded, run.State);
        Assert.True(run.IsFinished);
    }

    [Fact]
    public void Complete_OomKilled_RetriesWithRaisedMemoryFloor()
    {
        var run = new WorkflowRun("r1", WorkflowValidatorTests.Dag(("a", [])), new WorkflowRetryPolicy(MaxAttempts: 2, OomMemoryFactor: 1.5, OomMinimumExtraMiB: 64));
        run.MarkRunning("a", "n1", "i-1", 100);

        Assert.Equal(WorkflowStepState.Retrying, run.Complete("a", StepOutcome.OomKilled, "oom"));

        Assert.Equal(164, run.MemoryFloorMiB("a"));
        Assert.Equal(["a"], run.ReadySteps().Select(s => s.Id));
        run.MarkRunning("a", "n1", "i-2", 400);
        Assert.Equal(WorkflowStepState.Failed, run.Complete("a", StepOutcome.OomKilled, "oom again"));
        Assert.Equal(600, run.MemoryFloorMiB("a"));
        Assert.Equal(WorkflowStepState.Failed, run.State);
        Assert.Contains("attempt 2 of 2", run.ToStatus(0).Steps[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_OomKilledWithACostChosenSize_UsesItAboveTheMinimumExtra()
    {
        var run = new WorkflowRun("r1", WorkflowValidatorTests.Dag(("a", [])), new WorkflowRetryPolicy(MaxAttempts: 3, OomMemoryFactor: 1.5, OomMinimumExtraMiB: 64));
        run.MarkRunning("a", "n1", "i-1", 1000);

        Assert.Equal(WorkflowStepState.Retrying, run.Complete("a", StepOutcome.OomKilled, "oom", oomRetryMiB: 1180));
        Assert.Equal(1180, run.MemoryFloorMiB("a"));

        // A size below the failed limit plus the minimum extra is raised to it; a non-finite one falls back to × 1.5.
        run.MarkRunning("a", "n1", "i-2", 1180);
        Assert.Equal(WorkflowStepState.Retrying, run.Complete("a", StepOutcome.OomKilled, "oom", oomRetryMiB: 1190));
        Assert.Equal(1244, run.MemoryFloorMiB("a"));
        run.MarkRunning("a", "n1", "i-3", 1244);
        run.Complete("a", StepOutcome.OomKilled, "oom", oomRetryMiB: double.NaN);
        Assert.Equal(1866, run.MemoryFloorMiB("a"));
    }

    [Fact]
    public void ReadySteps_AfterAFailure_StartsNothingNew()
    {
        var run = new WorkflowRun("r1", WorkflowValidatorTests.Dag(("a", []), ("b", [])), new WorkflowRetryPolicy(MaxAttempts: 1));
        run.MarkRunning("a", "n1", "i-1", 100);
        run.Complete("a", StepOutcome.Failed, "exit 1");

        Assert.Empty(run.ReadySteps());
        Assert.Equal(WorkflowStepState.Failed, run.State);
    }
}
