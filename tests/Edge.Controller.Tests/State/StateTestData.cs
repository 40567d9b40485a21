using Edge.Common.Contracts;
using Edge.Controller.State;
using Edge.Controller.Tests.Placement;
using Edge.Controller.Workflows;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.State;

internal static class StateTestData
{
    public static StateAllocationStore Allocations(string path, string? legacy = null, StateSynchronous sync = StateSynchronous.Full) =>
        new(new SqliteStateStore(path, sync), legacy, NullLogger.Instance, ownsState: true);

    public static Allocation Allocation(string id, string node = "n") => new()
    {
        AllocationId = id,
        ComponentId = "c",
        NodeId = node,
        Provider = "p",
        Tier = PricingTier.OnDemand,
        Resources = new ResourceQuantity(1, 1),
        State = AllocationState.Active,
        CreatedAtMs = 1,
        Request = new AllocationRequest { ComponentId = "c" },
        Profile = FakeProfileSource.Profile("c", 1, 1),
    };

    public static QueuedRequest Queued(string id, long sequence) => new()
    {
        AllocationId = id,
        Request = new AllocationRequest { ComponentId = "c" },
        Profile = FakeProfileSource.Profile("c", 1, 1),
        EnqueuedAtMs = 1,
        DeadlineMs = 1_000_000,
        Sequence = sequence,
        Reason = "queued",
    };

    /// <summary>A chain of steps, each depending on the one before.</summary>
    public static WorkflowSubmission Chain(string runId, int steps) => new()
    {
        RunId = runId,
        WorkflowId = "chain",
        Steps = [.. Enumerable.Range(0, steps).Select(i => new WorkflowStep
        {
            Id = $"s{i}",
            ComponentId = $"chain/s{i % 10}",
            Command = "/opt/edge/bin/edge-workload",
            DependsOn = i == 0 ? [] : [$"s{i - 1}"],
        })],
    };

    public static WorkflowRun Run(WorkflowSubmission submission) => new(submission.RunId!, submission, new WorkflowRetryPolicy());

    public static RunHeader Header(string runId, long updated = 1, long? finished = null) =>
        new() { RunId = runId, SubmittedAtMs = 1, UpdatedAtMs = updated, FinishedAtMs = finished };
}
