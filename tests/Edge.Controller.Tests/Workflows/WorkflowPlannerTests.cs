using Edge.Controller.Workflows;

namespace Edge.Controller.Tests.Workflows;

public sealed class WorkflowPlannerTests
{
    private static WorkflowPlanner.Input In(string id, double seconds, params string[] deps) => new(id, deps, seconds);

    [Fact]
    public void Compute_Diamond_TheLongerBranchIsCriticalAndTheOtherHasItsDifferenceAsSlack()
    {
        // a(10) -> b(30) -> d(5); a -> c(12) -> d
        var plan = WorkflowPlanner.Compute([In("a", 10), In("b", 30, "a"), In("c", 12, "a"), In("d", 5, "b", "c")]);

        Assert.Equal(45, plan.MakespanSeconds, 6);
        Assert.Equal(["a", "b", "d"], plan.CriticalPath);
        Assert.Equal(18, plan.Steps["c"].Slack, 6);
        Assert.Equal(10, plan.Steps["c"].EarliestStart, 6);
        Assert.Equal(40, plan.Steps["d"].EarliestStart, 6);
        Assert.False(plan.Steps["c"].Critical);
        Assert.True(plan.Steps["b"].Critical);
        Assert.Equal(0, plan.Steps["b"].Slack, 6);
    }

    [Fact]
    public void Compute_RevisedDurations_MoveTheCriticalPath()
    {
        // The same DAG once c turned out to take 50 s (an actual replacing its prediction).
        var plan = WorkflowPlanner.Compute([In("a", 10), In("b", 30, "a"), In("c", 50, "a"), In("d", 5, "b", "c")]);

        Assert.Equal(["a", "c", "d"], plan.CriticalPath);
        Assert.Equal(65, plan.MakespanSeconds, 6);
        Assert.Equal(20, plan.Steps["b"].Slack, 6);
    }

    [Fact]
    public void Compute_EqualParallelBranches_OneChainIsCriticalNotEveryBranch()
    {
        var plan = WorkflowPlanner.Compute([In("split", 3), In("b1", 10, "split"), In("b2", 10, "split"), In("b3", 10, "split"), In("merge", 8, "b1", "b2", "b3")]);

        Assert.Equal(["split", "b1", "merge"], plan.CriticalPath);
        Assert.Equal(1, new[] { "b1", "b2", "b3" }.Count(id => plan.Steps[id].Critical));
        Assert.All(new[] { "b1", "b2", "b3" }, id => Assert.Equal(0, plan.Steps[id].Slack, 6));
        Assert.Equal(21, plan.MakespanSeconds, 6);
    }

    [Fact]
    public void Compute_IndependentChains_MakespanIsTheLongestAndOthersHaveSlack()
    {
        var plan = WorkflowPlanner.Compute([In("x1", 5), In("x2", 5, "x1"), In("y", 4)]);

        Assert.Equal(["x1", "x2"], plan.CriticalPath);
        Assert.Equal(6, plan.Steps["y"].Slack, 6);
    }

    [Fact]
    public void Compute_Cycle_Throws()
    {
        Assert.Throws<ArgumentException>(() => WorkflowPlanner.Compute([In("a", 1, "b"), In("b", 1, "a")]));
    }
}
