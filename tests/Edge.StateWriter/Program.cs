using System.Text;
using Edge.Common.Api;
using Edge.Common.Contracts;
using Edge.Controller.State;
using Edge.Controller.Workflows;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.StateWriter;

/// <summary>
/// Writes to a state database until killed: usage <c>edge-state-writer DB ACKS</c>. Each iteration puts an allocation,
/// every third queues a request and the next places it, every fifth removes an earlier allocation, and every iteration
/// changes one step of a 50-step run; after each call returns (the write is durable) one line is appended to ACKS
/// ("put ID", "queue ID", "del ID", "step ID ATTEMPT"). The test kills it with SIGKILL at a random point and checks
/// the reopened store against ACKS.
/// </summary>
internal static class Program
{
    private const int RunSteps = 50;

    public static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: edge-state-writer DB ACKS");
            return 2;
        }

        using var state = new SqliteStateStore(args[0], StateSynchronous.Full);
        using var allocations = new StateAllocationStore(state, null, NullLogger.Instance);
        var runs = new WorkflowRunStore(state, null, NullLogger.Instance);
        allocations.Load();
        var submission = new WorkflowSubmission
        {
            RunId = "kill-run",
            WorkflowId = "kill",
            Steps = [.. Enumerable.Range(0, RunSteps).Select(i => new WorkflowStep { Id = $"s{i}", ComponentId = "kill/s", Command = "/opt/edge/bin/edge-workload" })],
        };
        var run = new WorkflowRun("kill-run", submission, new WorkflowRetryPolicy(MaxAttempts: int.MaxValue));
        runs.Create(new RunHeader { RunId = "kill-run", SubmittedAtMs = 0, UpdatedAtMs = 0 }, submission, run.Snapshot());
        run.AcceptChanges();

        using var acks = new FileStream(args[1], FileMode.Append, FileAccess.Write, FileShare.Read, 1);
        void Ack(string line) => acks.Write(Encoding.ASCII.GetBytes(line + "\n"));
        Ack("ready");
        for (var i = 0; ; i++)
        {
            allocations.PutAllocation(Allocation($"a{i}"));
            Ack($"put a{i}");
            if (i % 3 == 0)
            {
                allocations.PutQueued(new QueuedRequest { AllocationId = $"q{i}", Request = new AllocationRequest { ComponentId = "c" }, Profile = Profile(), EnqueuedAtMs = i, DeadlineMs = long.MaxValue, Sequence = i });
                Ack($"queue q{i}");
            }
            else if (i % 3 == 1)
            {
                allocations.PutAllocation(Allocation($"q{i - 1}"));
                Ack($"put q{i - 1}");
            }

            if (i % 5 == 4)
            {
                allocations.RemoveAllocation($"a{i - 2}");
                Ack($"del a{i - 2}");
            }

            var step = $"s{i % RunSteps}";
            run.MarkRunning(step, "n", $"i{i}", 100);
            runs.Update(new RunHeader { RunId = "kill-run", SubmittedAtMs = 0, UpdatedAtMs = i }, run.PendingChanges());
            run.AcceptChanges();
            Ack($"step {step} {run.Attempt(step)}");
        }
    }

    private static PredictionProfile Profile() => new()
    {
        ComponentId = "c",
        Cpu = 100,
        Memory = 100,
        NetworkBandwidth = 0,
        ConfidenceInterval = new ConfidenceInterval(0.9, new IntervalBounds(50, 0), new IntervalBounds(50, 0), new IntervalBounds(0, 0)),
    };

    private static Allocation Allocation(string id) => new()
    {
        AllocationId = id,
        ComponentId = "c",
        NodeId = "n",
        Provider = "p",
        Tier = PricingTier.OnDemand,
        Resources = new ResourceQuantity(1, 1),
        State = AllocationState.Active,
        CreatedAtMs = 1,
        Request = new AllocationRequest { ComponentId = "c" },
        Profile = Profile(),
    };
}
