using System.Net;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Controller.Tests.Infrastructure;
using Edge.Controller.Workflows;

namespace Edge.Controller.Tests.Workflows;

/// <summary>The workflow service in the real controller host, against simulated nodes over the embedded broker.</summary>
public sealed class WorkflowServiceTests
{
    private const string Allowed = "/opt/edge/bin/edge-workload";

    private static WorkflowStep Step(string id, params string[] dependsOn) =>
        new() { Id = id, ComponentId = "ws/" + id, Command = Allowed, DependsOn = dependsOn };

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SubmitAsync(TestController controller, WorkflowSubmission submission)
    {
        var response = await controller.Http.PostAsync(
            "/api/workflows",
            new ByteArrayContent(PayloadCodec.Encode(submission, EdgeJsonContext.Default.WorkflowSubmission)) { Headers = { ContentType = new("application/json") } },
            TestContext.Current.CancellationToken);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
        return (response.StatusCode, body);
    }

    [Fact]
    public async Task Submit_InvalidDags_AreRefusedWithEveryReasonAndNothingIsAllocated()
    {
        using var dir = new TempDirectory();
        await using var controller = await TestController.StartAsync(dir.Path);

        var cyclic = new WorkflowSubmission { WorkflowId = "bad", Steps = [Step("a", "c"), Step("b", "a"), Step("c", "b")] };
        var (status, body) = await SubmitAsync(controller, cyclic);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(body.GetProperty("errors").EnumerateArray(), e => e.GetString()!.Contains("cycle", StringComparison.Ordinal));

        var disallowed = new WorkflowSubmission { WorkflowId = "bad", Steps = [Step("a") with { Command = "/bin/rm" }, Step("a")] };
        (status, body) = await SubmitAsync(controller, disallowed);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(errors, e => e.Contains("/bin/rm", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("used more than once", StringComparison.Ordinal) && e.Contains("'a'", StringComparison.Ordinal));

        var unknown = new WorkflowSubmission { WorkflowId = "bad", Steps = [Step("a", "ghost")] };
        (status, body) = await SubmitAsync(controller, unknown);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(body.GetProperty("errors").EnumerateArray(), e => e.GetString()!.Contains("'ghost'", StringComparison.Ordinal));

        var malformed = await controller.Http.PostAsync("/api/workflows", new StringContent("{\"workflowId\": 3", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        Assert.Empty(controller.Get<WorkflowService>().List());
        Assert.Equal("[]", await controller.Http.GetStringAsync("/api/allocations", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OomKilledStep_IsRetriedWithMoreMemory_ThenTheRunSucceedsInOrder()
    {
        using var dir = new TempDirectory();
        await using var controller = await TestController.StartAsync(dir.Path, extra: new Dictionary<string, string?> { ["Controller:Workflows:AllowedCommands:0"] = Allowed });
        await using var node = await SimulatedNode.StartAsync(controller, TestController.NodeA);
        await Poll.UntilAsync(() => controller.Get<Edge.Controller.Placement.Allocator>().GetNodes().Any(n => n.Online), "the node is known to the broker");

        var (status, body) = await SubmitAsync(controller, new WorkflowSubmission { WorkflowId = "oom", Steps = [Step("first"), Step("second", "first")] });
        Assert.Equal(HttpStatusCode.Created, status);
        var runId = body.GetProperty("runId").GetString()!;

        var firstStart = (await node.WaitStartAsync(1)).Start!;
        Assert.Equal("ws/first", firstStart.ComponentId);
        await node.PublishEventAsync(NodeEventKind.InstanceOomKilled, firstStart.InstanceId, 137);
        await node.PublishEventAsync(NodeEventKind.InstanceExited, firstStart.InstanceId, 137, new Dictionary<string, double> { ["duration_s"] = 1, ["peak_memory_mib"] = firstStart.Limits.MemoryMiB });

        var retry = (await node.WaitStartAsync(2)).Start!;
        Assert.Equal("ws/first", retry.ComponentId);
        Assert.True(retry.Limits.MemoryMiB >= firstStart.Limits.MemoryMiB * 1.5, $"retry memory {retry.Limits.MemoryMiB} MiB after an OOM at {firstStart.Limits.MemoryMiB} MiB");
        Assert.Equal(2, controller.Get<WorkflowService>().Get(runId)!.Steps.Single(s => s.StepId == "first").Attempt);
        Assert.DoesNotContain(node.Commands, c => c.Start?.ComponentId == "ws/second");

        await node.PublishEventAsync(NodeEventKind.InstanceExited, retry.InstanceId, 0, new Dictionary<string, double> { ["duration_s"] = 1, ["peak_memory_mib"] = 50, ["cpu_seconds"] = 0.5 });
        var second = (await node.WaitStartAsync(3)).Start!;
        Assert.Equal("ws/second", second.ComponentId);
        await node.PublishEventAsync(NodeEventKind.InstanceExited, second.InstanceId, 0, new Dictionary<string, double> { ["duration_s"] = 1, ["peak_memory_mib"] = 40, ["cpu_seconds"] = 0.2 });

        await Poll.UntilAsync(() => controller.Get<WorkflowService>().Get(runId)!.State == WorkflowStepState.Succeeded, "the run succeeded");
        var summary = JsonDocument.Parse(await controller.Http.GetStringAsync("/api/components/ws/first", TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(2, summary.GetProperty("runs").GetInt32());
        Assert.Equal(1, summary.GetProperty("oomKilled").GetInt32());
        controller.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Plan_EveryStepIsPredictedAtSubmission_CriticalPathFromLearnedDurations_RevisedByActuals()
    {
        using var dir = new TempDirectory();
        await using var controller = await TestController.StartAsync(dir.Path, extra: new Dictionary<string, string?> { ["Controller:Workflows:AllowedCommands:0"] = Allowed });
        await using var node = await SimulatedNode.StartAsync(controller, TestController.NodeA);
        await Poll.UntilAsync(() => controller.Get<Edge.Controller.Placement.Allocator>().GetNodes().Any(n => n.Online), "the node is known to the broker");
        var diamond = new WorkflowSubmission { WorkflowId = "plan", Steps = [Step("a"), Step("b", "a"), Step("c", "a"), Step("d", "b", "c")] };
        var seconds = new Dictionary<string, double> { ["ws/a"] = 2, ["ws/b"] = 20, ["ws/c"] = 3, ["ws/d"] = 1 };

        async Task<string> RunAsync(int firstStart)
        {
            var (status, body) = await SubmitAsync(controller, diamond);
            Assert.Equal(HttpStatusCode.Created, status);
            var runId = body.GetProperty("runId").GetString()!;
            var started = firstStart;
            while (controller.Get<WorkflowService>().Get(runId)!.State != WorkflowStepState.Succeeded)
            {
                var start = (await node.WaitStartAsync(started++)).Start!;
                await node.PublishEventAsync(NodeEventKind.InstanceExited, start.InstanceId, 0, new Dictionary<string, double> { ["duration_s"] = seconds[start.ComponentId], ["peak_memory_mib"] = 50, ["cpu_seconds"] = 0.5 });
                if (start.ComponentId == "ws/d")
                {
                    await Poll.UntilAsync(() => controller.Get<WorkflowService>().Get(runId)!.State == WorkflowStepState.Succeeded, "the run succeeded");
                }
            }

            return runId;
        }

        // First run: nothing is known; every step, pending ones included, has a forecast from the moment it is submitted.
        var (_, submitted) = await SubmitAsync(controller, diamond with { RunId = "plan-first" });
        var atSubmission = submitted.GetProperty("status");
        Assert.All(atSubmission.GetProperty("steps").EnumerateArray(), s =>
        {
            var forecast = s.GetProperty("forecast");
            Assert.True(forecast.GetProperty("cpuMillicores").GetDouble() > 0);
            Assert.True(forecast.GetProperty("memoryMiB").GetDouble() > 0);
            Assert.Equal("default", forecast.GetProperty("durationSource").GetString());
        });
        Assert.Equal("pending", atSubmission.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("stepId").GetString() == "d").GetProperty("state").GetString(), ignoreCase: true);
        Assert.Equal(3, atSubmission.GetProperty("criticalPath").GetArrayLength());
        await controller.Get<WorkflowService>().CancelAsync("plan-first", "test", TestContext.Current.CancellationToken);

        var first = await RunAsync(firstStart: 2);
        var done = controller.Get<WorkflowService>().Get(first)!;
        Assert.All(done.Steps, s => Assert.Equal("actual", s.Forecast!.DurationSource));
        Assert.Equal(["a", "b", "d"], done.CriticalPath);
        Assert.Equal(23, done.PredictedMakespanSeconds!.Value, 3);

        // Second run: durations come from the ledger; the plan at submission already knows b is the long branch.
        var (_, second) = await SubmitAsync(controller, diamond with { RunId = "plan-second" });
        var plan = JsonSerializer.Deserialize(second.GetProperty("status").GetRawText(), EdgeJsonContext.Default.WorkflowRunStatus)!;
        Assert.Equal(["a", "b", "d"], plan.CriticalPath);
        Assert.Equal(23, plan.PredictedMakespanSeconds!.Value, 3);
        var c = plan.Steps.Single(s => s.StepId == "c").Forecast!;
        Assert.Equal("history", c.DurationSource);
        Assert.Equal(3, c.DurationSeconds, 3);
        Assert.Equal(17, c.SlackSeconds, 3);
        Assert.False(c.Critical);
        Assert.True(plan.Steps.Single(s => s.StepId == "b").Forecast!.Critical);
        var api = JsonDocument.Parse(await controller.Http.GetStringAsync("/api/workflows/plan-second", TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("b", api.GetProperty("criticalPath")[1].GetString());
        controller.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task MqttSubmission_FromASubmitterUser_StartsARun_WrongPasswordIsRefused()
    {
        using var dir = new TempDirectory();
        await using var controller = await TestController.StartAsync(dir.Path, extra: new Dictionary<string, string?>
        {
            ["Controller:Workflows:AllowedCommands:0"] = Allowed,
            ["Controller:Broker:Submitters:ci"] = "ci-secret",
        });
        MqttConnection Submitter(string password) => new(
            new MqttConnectionOptions { BrokerUrl = $"mqtt://127.0.0.1:{controller.BrokerPort}", ClientId = "ci-" + password, Username = "ci", Password = password, CleanStart = true },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            TimeProvider.System);

        await using var submitter = Submitter("ci-secret");
        submitter.Start();
        await submitter.WaitConnectedAsync(TestContext.Current.CancellationToken);
        var submission = new WorkflowSubmission { RunId = "from-ci", WorkflowId = "ci", Steps = [Step("only")] };
        Assert.True(await submitter.PublishAsync(new EdgeTopics().WorkflowSubmit, PayloadCodec.Encode(submission, EdgeJsonContext.Default.WorkflowSubmission), retain: false, TestContext.Current.CancellationToken));
        await Poll.UntilAsync(() => controller.Get<WorkflowService>().Get("from-ci") is not null, "the run submitted over MQTT exists");

        // The same user may not publish anything else.
        Assert.False(await submitter.PublishAsync(new EdgeTopics().NodeStatus("ci"), [1], retain: false, TestContext.Current.CancellationToken));

        await using var intruder = Submitter("wrong");
        intruder.Start();
        await Poll.UntilAsync(() => intruder.LastConnectResult is not null, "the broker answered the wrong password");
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.BadUserNameOrPassword, intruder.LastConnectResult);
        Assert.False(intruder.IsConnected);
    }

    [Fact]
    public async Task RestartedController_ContinuesTheRunFromItsJournal()
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Controller:Workflows:AllowedCommands:0"] = Allowed };
        string runId, instance;
        var port = FreePort.Next();
        await using (var controller = await TestController.StartAsync(dir.Path, port, settings))
        await using (var node = await SimulatedNode.StartAsync(controller, TestController.NodeA))
        {
            await Poll.UntilAsync(() => controller.Get<Edge.Controller.Placement.Allocator>().GetNodes().Any(n => n.Online), "the node is known to the broker");
            var (_, body) = await SubmitAsync(controller, new WorkflowSubmission { WorkflowId = "restart", Steps = [Step("one"), Step("two", "one")] });
            runId = body.GetProperty("runId").GetString()!;
            instance = (await node.WaitStartAsync(1)).Start!.InstanceId;
        }

        await using (var controller = await TestController.StartAsync(dir.Path, port, settings))
        await using (var node = await SimulatedNode.StartAsync(controller, TestController.NodeA))
        {
            var restored = controller.Get<WorkflowService>().Get(runId)!;
            var one = restored.Steps.Single(s => s.StepId == "one");
            Assert.Equal(WorkflowStepState.Running, one.State);
            Assert.Equal(instance, one.InstanceId);
            Assert.Equal(1, one.Attempt);

            await node.PublishEventAsync(NodeEventKind.InstanceExited, instance, 0, new Dictionary<string, double> { ["duration_s"] = 2, ["peak_memory_mib"] = 30 });
            var two = (await node.WaitStartAsync(1)).Start!;
            Assert.Equal("ws/two", two.ComponentId);
            Assert.DoesNotContain(node.Commands, c => c.Start?.ComponentId == "ws/one");
        }
    }
}
