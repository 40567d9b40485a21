using Edge.Controller.Workflows;

namespace Edge.Controller.Tests.Workflows;

public sealed class WorkflowOptionsValidatorTests
{
    [Fact]
    public void FirstSizeMinTasks_BelowOne_IsReportedWithItsValue_OneOrMoreIsAccepted()
    {
        var validator = new WorkflowOptionsValidator();

        var refused = validator.Validate(null, new WorkflowOptions { FirstSizeFromTaskSizer = true, FirstSizeMinTasks = 0 });
        Assert.Contains(refused.Failures!, f => f.Contains("Controller:Workflows:FirstSizeMinTasks 0", StringComparison.Ordinal));

        Assert.True(validator.Validate(null, new WorkflowOptions { FirstSizeFromTaskSizer = true, FirstSizeMinTasks = 1 }).Succeeded);
        Assert.True(validator.Validate(null, new WorkflowOptions()).Succeeded);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void TaskSizerAttemptOverheadS_NegativeOrNotFinite_IsReported(double overhead)
    {
        var refused = new WorkflowOptionsValidator().Validate(null, new WorkflowOptions { TaskSizerAttemptOverheadS = overhead });
        Assert.Contains(refused.Failures!, f => f.Contains("Controller:Workflows:TaskSizerAttemptOverheadS", StringComparison.Ordinal));
        Assert.True(new WorkflowOptionsValidator().Validate(null, new WorkflowOptions { TaskSizerAttemptOverheadS = 60 }).Succeeded);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void TaskSizerMaxFailureRate_OutsideZeroToOne_IsReported(double budget)
    {
        var refused = new WorkflowOptionsValidator().Validate(null, new WorkflowOptions { TaskSizerMaxFailureRate = budget });
        Assert.Contains(refused.Failures!, f => f.Contains("Controller:Workflows:TaskSizerMaxFailureRate", StringComparison.Ordinal));
        Assert.True(new WorkflowOptionsValidator().Validate(null, new WorkflowOptions { TaskSizerMaxFailureRate = 0.05 }).Succeeded);
    }
}
