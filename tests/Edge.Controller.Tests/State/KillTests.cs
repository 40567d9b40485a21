using System.Diagnostics;
using Edge.Common.Contracts;
using Edge.Controller.State;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.State;

/// <summary>
/// kill -9 at any point: a child process (tests/Edge.StateWriter) writes allocations, queue entries and workflow
/// steps in a loop, acknowledging each write once the store returned; it is SIGKILLed after a random number of
/// acknowledgements, and the reopened store must be intact and hold every acknowledged write (at most the one write
/// in flight beyond the last acknowledgement may also be there).
/// </summary>
public sealed class KillTests
{
    [Fact]
    public async Task WriterKilledAtRandomPoints_ReopenedStoreIsIntactAndHoldsEveryAcknowledgedWrite()
    {
        var random = new Random(13);
        for (var trial = 0; trial < 4; trial++)
        {
            using var dir = new TempDirectory();
            var db = Path.Combine(dir.Path, "state.db");
            var acks = Path.Combine(dir.Path, "acks");
            var target = random.Next(30, 400);
            await RunAndKillAsync(db, acks, target);

            var lines = File.ReadAllLines(acks).Where(l => l.Length > 0).ToList();
            Assert.True(lines.Count >= target, $"trial {trial}: {lines.Count} acknowledgements before the kill, wanted {target}");
            AssertIntact(db);
            using var store = StateTestData.Allocations(db);
            var snapshot = store.Load();
            var allocations = snapshot.Allocations.Select(a => a.AllocationId).ToHashSet(StringComparer.Ordinal);
            var queued = snapshot.Queue.Select(q => q.AllocationId).ToHashSet(StringComparer.Ordinal);
            var expectedAllocations = new HashSet<string>(StringComparer.Ordinal);
            var expectedQueue = new HashSet<string>(StringComparer.Ordinal);
            var attempts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var parts in lines.Skip(1).Select(l => l.Split(' ')))
            {
                switch (parts[0])
                {
                    case "put":
                        expectedAllocations.Add(parts[1]);
                        expectedQueue.Remove(parts[1]);
                        break;
                    case "queue":
                        expectedQueue.Add(parts[1]);
                        break;
                    case "del":
                        expectedAllocations.Remove(parts[1]);
                        break;
                    case "step":
                        attempts[parts[1]] = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                        break;
                }
            }

            // Every acknowledged write is there; beyond them at most the one write that was in flight.
            // The write in flight may have been a delete: then exactly the allocation it removes is missing, and the
            // last acknowledgement is one of the writes that precede that delete in its iteration.
            var missing = expectedAllocations.Except(allocations).ToList();
            Assert.True(missing.Count == 0 || (missing.Count == 1 && InFlightDelete(missing[0], lines[^1])), $"trial {trial}: acknowledged allocations missing {string.Join(",", missing)} (last acknowledgement '{lines[^1]}')");
            Assert.Empty(expectedQueue.Except(queued).Except(allocations));
            Assert.True(allocations.Except(expectedAllocations).Count() + queued.Except(expectedQueue).Count() <= 1, $"trial {trial}: unacknowledged records {string.Join(",", allocations.Except(expectedAllocations).Concat(queued.Except(expectedQueue)))}");
            Assert.Empty(allocations.Intersect(queued));

            using var state = new SqliteStateStore(db);
            var run = Assert.Single(new Edge.Controller.State.WorkflowRunStore(state, null, NullLogger.Instance).Load());
            Assert.Equal(50, run.Steps.Count);
            var extra = 0;
            foreach (var step in run.Steps)
            {
                var acked = attempts.GetValueOrDefault(step.StepId);
                Assert.True(step.Attempt >= acked, $"trial {trial}: step {step.StepId} at attempt {step.Attempt}, acknowledged {acked}");
                extra += step.Attempt - acked;
                Assert.Equal(step.Attempt > 0 ? WorkflowStepState.Running : WorkflowStepState.Pending, step.State);
            }

            Assert.True(extra <= 1, $"trial {trial}: {extra} unacknowledged step changes");
            Assert.True(missing.Count + extra + allocations.Except(expectedAllocations).Count() + queued.Except(expectedQueue).Count() <= 1, $"trial {trial}: more than the one write in flight differs from the acknowledgements");
        }
    }

    /// <summary>
    /// Whether <paramref name="id"/> is what the writer's next write deletes after <paramref name="lastAck"/>: iteration i
    /// writes "put a{i}", then "queue q{i}" or "put q{i-1}", then (when i % 5 == 4) "del a{i-2}".
    /// </summary>
    private static bool InFlightDelete(string id, string lastAck)
    {
        if (!id.StartsWith('a') || !int.TryParse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture, out var deleted) || (deleted + 2) % 5 != 4)
        {
            return false;
        }

        var i = deleted + 2;
        return lastAck == $"put a{i}" || lastAck == $"queue q{i}" || lastAck == $"put q{i - 1}";
    }

    private static async Task RunAndKillAsync(string db, string acks, int target)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(WriterPath());
        start.ArgumentList.Add(db);
        start.ArgumentList.Add(acks);
        using var process = Process.Start(start)!;
        try
        {
            await Poll.UntilAsync(
                () => process.HasExited || (File.Exists(acks) && File.ReadAllLines(acks).Length >= target),
                $"{target} acknowledged writes",
                TimeSpan.FromSeconds(120));
            if (process.HasExited)
            {
                Assert.Fail($"the writer exited on its own ({process.ExitCode}): {await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)}");
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(); // SIGKILL on Linux
            }

            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(137, process.ExitCode);
    }

    private static void AssertIntact(string db)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", command.ExecuteScalar());
    }

    /// <summary>tests/Edge.StateWriter's output for the configuration this test assembly was built in.</summary>
    private static string WriterPath()
    {
        var here = AppContext.BaseDirectory.TrimEnd('/');
        var framework = Path.GetFileName(here);
        var configuration = Path.GetFileName(Path.GetDirectoryName(here)!);
        var path = Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", "Edge.StateWriter", "bin", configuration, framework, "edge-state-writer.dll"));
        Assert.True(File.Exists(path), $"the writer is not built at '{path}'");
        return path;
    }
}
