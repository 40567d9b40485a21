using System.Text.Json;

namespace Edge.Controller.Tests.Ctl;

/// <summary>
/// edgectl's node-scheduling and step-output commands against the operator contract, served for now by
/// <see cref="OperatorContractServer"/> (a stand-in: switch these to the real controller once its operator endpoints
/// are merged). Checks what edgectl sends (routes, bodies, queries) and what it prints and exits with.
/// </summary>
public sealed class CtlOperatorCommandsTests : IDisposable
{
    private readonly string _tokenFile = Path.Combine(Path.GetTempPath(), $"edgectl-test-{Guid.NewGuid():N}.token");

    private async Task<(OperatorContractServer Server, string[] Api)> StartAsync()
    {
        await File.WriteAllTextAsync(_tokenFile, OperatorContractServer.Token, TestContext.Current.CancellationToken);
        var server = await OperatorContractServer.StartAsync();
        return (server, ["--controller", server.Address.ToString(), "--token-file", _tokenFile]);
    }

    [Fact]
    public async Task DescribeCordonUncordon_SendContractAndPrintState()
    {
        var (server, api) = await StartAsync();
        await using var _ = server;

        var describe = await Ctl.RunAsync(["nodes", "describe", "node-a", .. api]);
        var json = await Ctl.RunAsync(["nodes", "describe", "node-a", "-o", "json", .. api]);
        var cordon = await Ctl.RunAsync(["nodes", "cordon", "node-a", "--reason", "kernel upgrade", .. api]);
        var uncordon = await Ctl.RunAsync(["nodes", "uncordon", "node-a", .. api]);
        var unknown = await Ctl.RunAsync(["nodes", "describe", "ghost", .. api]);

        Assert.True(describe.Exit == 0, describe.ToString());
        Assert.Contains("Capacity:    4 CPU, 8Gi memory", describe.Stdout, StringComparison.Ordinal);
        Assert.Contains("Scheduling:  cordoned (kernel upgrade)", describe.Stdout, StringComparison.Ordinal);
        Assert.Contains("1.5", Ctl.Row(describe.Stdout, "  inst-1")[0], StringComparison.Ordinal);
        Assert.Contains("migrating  node-b", Ctl.Row(describe.Stdout, "  inst-1")[1], StringComparison.Ordinal);
        Assert.Equal("node-a", JsonSerializer.Deserialize(json.Stdout, EdgeApiJsonContext.Default.NodeDetail)!.NodeId);
        Assert.True(cordon.Exit == 0, cordon.ToString());
        Assert.Equal("node node-a cordoned: cordoned (kernel upgrade)", cordon.Stdout.Trim());
        Assert.Contains("""POST /api/nodes/node-a/cordon {"reason":"kernel upgrade"}""", server.Requests);
        Assert.True(uncordon.Exit == 0, uncordon.ToString());
        Assert.Contains("schedulable", uncordon.Stdout, StringComparison.Ordinal);
        Assert.True(unknown.Exit == 4, unknown.ToString());
        Assert.Contains("'ghost'", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrainWait_PollsUntilDrained_PrintsEachChange_TimedOutExits1()
    {
        var (server, api) = await StartAsync();
        await using var _ = server;

        var drained = await Ctl.RunAsync(["nodes", "drain", "node-a", "--reason", "retire", "--timeout", "10m", "--wait", "--poll", "0.05", .. api]);
        server.DrainingReads = 0;
        server.FinalDrainState = "timedOut";
        var timedOut = await Ctl.RunAsync(["nodes", "drain", "node-a", "--wait", "--poll", "0.05", .. api]);
        var badTimeout = await Ctl.RunAsync(["nodes", "drain", "node-a", "--timeout", "soon", .. api]);

        Assert.True(drained.Exit == 0, drained.ToString());
        Assert.Contains("""POST /api/nodes/node-a/drain {"reason":"retire","timeoutSeconds":600}""", server.Requests);
        var lines = drained.Stdout.Trim().Split('\n');
        Assert.Contains(lines, l => l.EndsWith("inst-1 etl/load: migrating -> node-b", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("inst-1 etl/load: migrated -> node-b", StringComparison.Ordinal));
        Assert.Equal("node node-a: drain drained", lines[^1]);
        Assert.True(timedOut.Exit == 1, timedOut.ToString());
        Assert.Contains("drain timedOut: 1 instance still on the node at the deadline", timedOut.Stdout, StringComparison.Ordinal);
        Assert.True(badTimeout.Exit == 2, badTimeout.ToString());
        Assert.Contains("'soon'", badTimeout.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsOutput_SendsStreamAttemptTail_PrintsTextAndTruncation()
    {
        var (server, api) = await StartAsync();
        await using var _ = server;

        var stdout = await Ctl.RunAsync(["runs", "output", "run-1", "extract", .. api]);
        var stderr = await Ctl.RunAsync(["runs", "output", "run-1", "extract", "--stderr", "--attempt", "1", "--tail", "100", .. api]);
        var json = await Ctl.RunAsync(["runs", "output", "run-1", "extract", "-o", "json", .. api]);
        var missing = await Ctl.RunAsync(["runs", "output", "nope", "extract", .. api]);

        Assert.True(stdout.Exit == 0, stdout.ToString());
        Assert.Equal("stdout of extract\nline two\n", stdout.Stdout);
        Assert.Contains("GET /api/workflows/run-1/steps/extract/output?stream=stdout", server.Requests);
        Assert.Contains("GET /api/workflows/run-1/steps/extract/output?stream=stderr&attempt=1&tailBytes=100", server.Requests);
        Assert.Equal("stderr of extract\nline two\n", stderr.Stdout);
        Assert.Contains("from byte 4900 of 4.9 KiB", stderr.Stderr, StringComparison.Ordinal);
        Assert.Equal("run-1-extract-2", JsonSerializer.Deserialize(json.Stdout, EdgeApiJsonContext.Default.InstanceOutput)!.InstanceId);
        Assert.True(missing.Exit == 4, missing.ToString());
        Assert.Contains("'nope'", missing.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_tokenFile);
}
