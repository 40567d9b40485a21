using Edge.Common.Contracts;
using Edge.Controller.Workflows;

namespace Edge.Controller.Tests.Workflows;

public sealed class WorkflowValidatorTests
{
    private static readonly Func<string, bool> AllowWorkload = c => c == "/opt/edge/bin/edge-workload";

    [Fact]
    public void Validate_ValidDiamond_HasNoErrors()
    {
        var errors = WorkflowValidator.Validate(Dag(("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"])), AllowWorkload);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_Cycle_NamesTheCyclePath()
    {
        var errors = WorkflowValidator.Validate(Dag(("a", ["c"]), ("b", ["a"]), ("c", ["b"]), ("d", [])), AllowWorkload);

        var error = Assert.Single(errors);
        Assert.StartsWith("the workflow has a cycle: ", error, StringComparison.Ordinal);
        var path = error["the workflow has a cycle: ".Length..].Split(" -> ");
        Assert.Equal(4, path.Length);
        Assert.Equal(path[0], path[^1]);
        Assert.Equal(["a", "b", "c"], path[..3].Order().ToArray());
    }

    [Fact]
    public void Validate_ManyProblems_AreAllReportedTogether()
    {
        var submission = new WorkflowSubmission
        {
            WorkflowId = "wf#1",
            Steps =
            [
                Step("a", []),
                Step("a", []),
                Step("b", ["missing"]),
                Step("c", ["c"]),
                Step("d", []) with { Command = "/bin/rm" },
                Step("e/x", []),
            ],
        };

        var errors = WorkflowValidator.Validate(submission, AllowWorkload);

        Assert.Contains(errors, e => e.Contains("workflowId", StringComparison.Ordinal) && e.Contains("wf#1", StringComparison.Ordinal));
        Assert.Contains("step id 'a' is used more than once", errors);
        Assert.Contains("step 'b' depends on unknown step 'missing'", errors);
        Assert.Contains("step 'c' depends on itself", errors);
        Assert.Contains("step 'd' command '/bin/rm' is not on the allow-list", errors);
        Assert.Contains(errors, e => e.Contains("e/x", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoSteps_IsRefused()
    {
        var errors = WorkflowValidator.Validate(new WorkflowSubmission { WorkflowId = "wf", Steps = [] }, AllowWorkload);

        Assert.Equal(["steps: a workflow needs at least one step"], errors);
    }

    [Fact]
    public void Validate_LongChain_DoesNotOverflowTheStack()
    {
        var steps = Enumerable.Range(0, 5000).Select(i => Step($"s{i}", i == 0 ? [] : [$"s{i - 1}"])).ToList();

        Assert.Empty(WorkflowValidator.Validate(new WorkflowSubmission { WorkflowId = "chain", Steps = steps }, AllowWorkload));
    }

    internal static WorkflowSubmission Dag(params (string Id, string[] Deps)[] steps) =>
        new() { WorkflowId = "wf", Steps = steps.Select(s => Step(s.Id, s.Deps)).ToList() };

    internal static WorkflowStep Step(string id, string[] deps) =>
        new() { Id = id, ComponentId = $"wf/{id}", Command = "/opt/edge/bin/edge-workload", DependsOn = deps };
}
