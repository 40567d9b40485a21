using System.Net;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Api;
using Edge.Controller.History;
using Edge.Controller.State;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Api;

/// <summary>
/// <c>/readyz</c> says what the history recovery did (which checkpoint, whether it fell back) and how the state store's
/// writes fare, not only ready or not (docs/api.md, "Probes").
/// </summary>
public sealed class ReadinessTests
{
    private const string Allowed = "/opt/edge/bin/edge-workload";

    [Fact]
    public async Task Readyz_FirstStartThenRestart_ReportsEmptyThenTheRecoveredCheckpoint_AndTheStateBackend()
    {
        using var dir = new TempDirectory();
        await using (var first = await TestController.StartAsync(dir.Path))
        {
            var ready = await ReadyAsync(first);
            var history = ready.GetProperty("history");
            Assert.Equal("empty", history.GetProperty("outcome").GetString());
            Assert.Equal(0, history.GetProperty("checkpointsFound").GetInt32());
            var state = ready.GetProperty("state");
            Assert.Equal("sqlite", state.GetProperty("backend").GetString());
            Assert.True(state.GetProperty("healthy").GetBoolean());
            Assert.DoesNotContain(dir.Path, ready.GetRawText(), StringComparison.Ordinal);
        }

        await using var second = await TestController.StartAsync(dir.Path);
        var again = (await ReadyAsync(second)).GetProperty("history");
        Assert.Equal("recovered", again.GetProperty("outcome").GetString());
        Assert.True(Guid.TryParse(again.GetProperty("recoveredFrom").GetString(), out _), again.GetRawText());
        Assert.Empty(again.GetProperty("damagedCheckpoints").EnumerateArray());
    }

    [Fact]
    public async Task Readyz_StateStoreRefusesWrites_ReportsUnhealthyWithTheReason_ThenHealthyOnceAWriteSucceeds()
    {
        using var dir = new TempDirectory();
        using var disk = new SmallTmpfs("4m");
        await using var controller = await TestController.StartAsync(dir.Path, extra: new Dictionary<string, string?>
        {
            ["Controller:Workflows:AllowedCommands:0"] = Allowed,
            ["Controller:State:Path"] = Path.Combine(disk.Path, "state.db"),
        });
        Assert.Equal(HttpStatusCode.Created, (await SubmitAsync(controller, "before")).StatusCode);
        Assert.True((await ReadyAsync(controller)).GetProperty("state").GetProperty("healthy").GetBoolean());

        ((SqliteStateStore)controller.Get<IStateStore>()).Checkpoint();
        disk.Fill();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await SubmitAsync(controller, "refused")).StatusCode);
        var state = (await ReadyAsync(controller)).GetProperty("state");
        Assert.False(state.GetProperty("healthy").GetBoolean(), state.GetRawText());
        Assert.Equal("disk_full", state.GetProperty("lastFailure").GetString());
        Assert.True(state.GetProperty("failures").GetInt64() >= 1, state.GetRawText());

        disk.Free();
        Assert.Equal(HttpStatusCode.Created, (await SubmitAsync(controller, "after")).StatusCode);
        Assert.True((await ReadyAsync(controller)).GetProperty("state").GetProperty("healthy").GetBoolean());
    }

    [Fact]
    public void HistoryReadiness_NamesEachRecoveryOutcome()
    {
        var newest = Guid.NewGuid();
        var older = Guid.NewGuid();
        Assert.Equal("empty", HistoryReadiness.From(HistoryRecovery.None).Outcome);
        Assert.Equal(("recovered", newest.ToString()), Pick(HistoryReadiness.From(new HistoryRecovery(2, newest, []))));
        var fellBack = HistoryReadiness.From(new HistoryRecovery(2, older, [new CheckpointFailure(newest, "IOException: bad")]));
        Assert.Equal(("fell-back", older.ToString()), Pick(fellBack));
        Assert.Equal([newest.ToString()], fellBack.DamagedCheckpoints);
        Assert.Equal(("failed", null), Pick(HistoryReadiness.From(new HistoryRecovery(1, null, [new CheckpointFailure(newest, "IOException: bad")]))));

        static (string, string?) Pick(HistoryReadiness r) => (r.Outcome, r.RecoveredFrom);
    }

    private static async Task<JsonElement> ReadyAsync(TestController controller)
    {
        using var anonymous = new HttpClient { BaseAddress = controller.Http.BaseAddress };
        using var response = await anonymous.GetAsync("/readyz", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static Task<HttpResponseMessage> SubmitAsync(TestController controller, string workflow)
    {
        var submission = new WorkflowSubmission { WorkflowId = workflow, Steps = [new WorkflowStep { Id = "a", ComponentId = workflow + "/a", Command = Allowed }] };
        var body = new ByteArrayContent(PayloadCodec.Encode(submission, EdgeJsonContext.Default.WorkflowSubmission)) { Headers = { ContentType = new("application/json") } };
        return controller.Http.PostAsync("/api/workflows", body, TestContext.Current.CancellationToken);
    }
}
