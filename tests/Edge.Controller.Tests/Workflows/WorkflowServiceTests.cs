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
    public async Task NetworkThrottlingAndARefusedResize_ShowInTheRunViewWhileItRuns_ThenInItsRunRecord()
    {
        using var dir = new TempDirectory();
        await using var controller = await TestController.StartAsync(dir.Path, extra: new Dictionary<string, string?> { ["Controller:Workflows:AllowedCommands:0"] = Allowed });
        await using var node = await SimulatedNode.StartAsync(controller, TestController.NodeA);
        var (status, body) = await SubmitAsync(controller, new WorkflowSubmission { WorkflowId = "talk", Steps = [Step("talk")] });
        Assert.Equal(HttpStatusCode.Created, status);
        var runId = body.GetProperty("runId").GetString()!;
        var start = (await node.WaitStartAsync(1)).Start!;
        var limits = new ResourceQuantity(start.Limits.CpuMillicores, start.Limits.MemoryMiB, 4);

        // What the agent reports while the step runs: its 4 Mbps cap dropped packets, then it refused a raise to 8.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await node.PublishEventAsync(new NodeEvent
        {
            NodeId = node.NodeId, EventId = "e-1", TimestampMs = now, Kind = NodeEventKind.InstanceNetworkThrottled, InstanceId = start.InstanceId,
            NewLimits = limits, Values = new Dictionary<string, double> { ["net_limit_mbps"] = 4, ["net_tx_mbps"] = 3.9, ["net_tx_dropped"] = 12, ["net_tx_overlimits"] = 30 },
        });
        await node.PublishEventAsync(new NodeEvent
        {
            NodeId = node.NodeId, EventId = "e-2", TimestampMs = now + 1, Kind = NodeEventKind.CommandRejected, InstanceId = start.InstanceId,
            CommandKind = CommandKind.Resize, OldLimits = limits, NewLimits = limits with { NetworkMbps = 8 },
            Reason = "network cap 8 Mbps could not be applied: the namespace is gone",
        });
        // A refused start is not the run's (only a refused resize is shown), nor is another node's report.
        await node.PublishEventAsync(new NodeEvent
        {
            NodeId = node.NodeId, EventId = "e-3", TimestampMs = now + 2, Kind = NodeEventKind.CommandRejected, InstanceId = start.InstanceId,
            CommandKind = CommandKind.Stop, Reason = "not shown",
        });

        // The running step's view lists the throttling and the refused resize (the events cross the broker: poll).
        JsonElement step = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(50, TestContext.Current.CancellationToken))
        {
            var view = JsonDocument.Parse(await controller.Http.GetStringAsync($"/api/dashboard/runs/{runId}", TestContext.Current.CancellationToken)).RootElement;
            step = view.GetProperty("steps")[0].Clone();
            if (step.GetProperty("events").GetArrayLength() >= 2)
            {
                break;
            }
        }

        var live = step.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["instanceNetworkThrottled", "commandRejected"], live.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(12, live[0].GetProperty("values").GetProperty("net_tx_dropped").GetDouble());
        Assert.Equal("resize", live[1].GetProperty("commandKind").GetString());
        Assert.Equal(8, live[1].GetProperty("newLimits").GetProperty("networkMbps").GetDouble());
        Assert.Contains("could not be applied", live[1].GetProperty("reason").GetString(), StringComparison.Ordinal);

        await node.PublishEventAsync(NodeEventKind.InstanceExited, start.InstanceId, 0, new Dictionary<string, double> { ["duration_s"] = 3, ["peak_memory_mib"] = 20, ["cpu_seconds"] = 0.1 });
        await Poll.UntilAsync(() => controller.Get<WorkflowService>().Get(runId)!.State == WorkflowStepState.Succeeded, "the run succeeded");
        var summary = JsonDocument.Parse(await controller.Http.GetStringAsync("/api/components/ws/talk", TestContext.Current.CancellationToken)).RootElement;
        var record = Assert.Single(summary.GetProperty("recentRuns").EnumerateArray());
        Assert.Equal((1, 1, 0), (record.GetProperty("networkThrottleEvents").GetInt32(), record.GetProperty("resizesRefused").GetInt32(), record.GetProperty("cpuThrottleEvents").GetInt32()));
        Assert.Equal(["instanceNetworkThrottled", "commandRejected"], record.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        var finished = JsonDocument.Parse(await controller.Http.GetStringAsync($"/api/dashboard/runs/{runId}", TestContext.Current.CancellationToken)).RootElement.GetProperty("steps")[0];
        Assert.Equal(0, finished.GetProperty("events").GetArrayLength());
        Assert.Equal(2, finished.GetProperty("finished")[0].GetProperty("events").GetArrayLength());
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

    [Fact]
    public async Task RestartedController_SizesRetriesWithTheTaskSizerItLearnedBefore()
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Controller:Workflows:AllowedCommands:0"] = Allowed, ["Controller:Workflows:TaskSizerAttemptOverheadS"] = "60", ["Controller:Workflows:TaskSizerMaxFailureRate"] = "0.05" };
        var port = FreePort.Next();
        var inputs = new[] { 2e6, 5e6, 9e6, 14e6, 20e6, 27e6, 35e6 };
        var sizes = new List<double?>();
        await using (var controller = await TestController.StartAsync(dir.Path, port, settings))
        await using (var node = await SimulatedNode.StartAsync(controller, TestController.NodeA))
        {
            await Poll.UntilAsync(() => controller.Get<Edge.Controller.Placement.Allocator>().GetNodes().Any(n => n.Online), "the node is known to the broker");
            for (var i = 0; i < inputs.Length; i++)
            {
                // One step of component ws/sort per run, its peak growing with its input (a sort's buffers).
                var step = Step("sort") with { Hints = new Dictionary<string, string> { ["inputSizeBytes"] = inputs[i].ToString(System.Globalization.CultureInfo.InvariantCulture) } };
                var (_, body) = await SubmitAsync(controller, new WorkflowSubmission { WorkflowId = "sized", Steps = [step] });
                var runId = body.GetProperty("runId").GetString()!;
                var start = (await node.WaitStartAsync(i + 1)).Start!;
                await node.PublishEventAsync(NodeEventKind.InstanceExited, start.InstanceId, 0, new Dictionary<string, double> { ["duration_s"] = 3 + i, ["peak_memory_mib"] = 20 + (inputs[i] / 1e5) });
                await Poll.UntilAsync(() => controller.Get<WorkflowService>().Get(runId)!.State == WorkflowStepState.Succeeded, $"run {i} succeeded");
            }

            var sizer = controller.Get<WorkflowService>().SizerOf("ws/sort")!;
            Assert.Equal(inputs.Length, sizer.Count);
            Assert.Equal(60, sizer.AttemptOverheadS);
            Assert.Equal(0.05, sizer.MaxFailureRate);
            foreach (var input in new[] { 3e6, 18e6, 40e6 })
            {
                sizes.Add(sizer.Size(input));
                sizes.Add(sizer.Retry(sizes[^1]!.Value));
            }
        }

        await using (var controller = await TestController.StartAsync(dir.Path, port, settings))
        {
            var sizer = controller.Get<WorkflowService>().SizerOf("ws/sort");
            Assert.NotNull(sizer);
            Assert.Equal(inputs.Length, sizer.Count);
            Assert.Equal(60, sizer.AttemptOverheadS);
            Assert.Equal(0.05, sizer.MaxFailureRate);
            var after = new List<double?>();
            foreach (var input in new[] { 3e6, 18e6, 40e6 })
            {
                after.Add(sizer.Size(input));
                after.Add(sizer.Retry(after[^1]!.Value));
            }

            Assert.Equal(sizes, after);
            controller.AssertNoErrorsLogged();
        }
    }

    [Fact]
    public async Task FirstSizeFromTaskSizer_LearnedComponentGetsTheSizersSize_OthersTheForecast_HintsStayFloors_RestartKeepsIt()
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Controller:Workflows:AllowedCommands:0"] = Allowed,
            ["Controller:Workflows:FirstSizeFromTaskSizer"] = "true",
            ["Controller:Workflows:FirstSizeMinTasks"] = "4",
        };
        var port = FreePort.Next();
        static Dictionary<string, string> Input(double bytes) => new() { ["inputSizeBytes"] = bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        double sizerSize;
        await using (var controller = await TestController.StartAsync(dir.Path, port, settings))
        await using (var node = await SimulatedNode.StartAsync(controller, TestController.NodeA))
        {
            await Poll.UntilAsync(() => controller.Get<Edge.Controller.Placement.Allocator>().GetNodes().Any(n => n.Online), "the node is known to the broker");
            var service = controller.Get<WorkflowService>();
            var peaks = new[] { 300.0, 180, 420, 260 };
            for (var i = 0; i < peaks.Length; i++)
            {
                var (_, body) = await SubmitAsync(controller, new WorkflowSubmission { WorkflowId = "sized", Steps = [Step("sort") with { Hints = Input(1e7) }] });
                var runId = body.GetProperty("runId").GetString()!;
                var start = (await node.WaitStartAsync(i + 1)).Start!;
                if (i == peaks.Length - 1)
                {
                    // Three tasks learned (below FirstSizeMinTasks): the forecast still sizes the step.
                    Assert.Equal(3, service.SizerOf("ws/sort")!.Count);
                    Assert.DoesNotContain("+sizer", service.Get(runId)!.Steps[0].Forecast!.Model, StringComparison.Ordinal);
                }

                await node.PublishEventAsync(NodeEventKind.InstanceExited, start.InstanceId, 0, new Dictionary<string, double> { ["duration_s"] = 5, ["peak_memory_mib"] = peaks[i], ["cpu_seconds"] = 1 });
                await Poll.UntilAsync(() => service.Get(runId)!.State == WorkflowStepState.Succeeded, $"run {i} succeeded");
            }

            var sizer = service.SizerOf("ws/sort")!;
            Assert.Equal(4, sizer.Count);
            sizerSize = sizer.Size(1e7)!.Value;
            var forecast = await controller.Get<Edge.Controller.Placement.IProfileSource>().GetProfileAsync(
                "ws/sort", null, new Dictionary<string, string> { ["workflow"] = "sized", ["step"] = "sort", ["command"] = Allowed, ["inputSizeBytes"] = "10000000" }, TestContext.Current.CancellationToken);
            Assert.True(Math.Abs(forecast!.Memory - sizerSize) > 1, $"the forecast ({forecast.Memory} MiB) and the sizer ({sizerSize} MiB) must differ for this test to tell them apart");

            // A learned component's first attempt gets the sizer's size; a never-seen one the forecast; a step asking
            // for more than the sizer's size keeps its own hint.
            var (_, run) = await SubmitAsync(controller, new WorkflowSubmission
            {
                WorkflowId = "sized",
                Steps =
                [
                    Step("sort") with { Hints = Input(1e7) },
                    Step("fresh") with { Hints = new Dictionary<string, string> { ["sizerMemoryMiB"] = "1" } },
                    Step("big") with { ComponentId = "ws/sort", Hints = new Dictionary<string, string>(Input(1e7)) { ["memoryMiB"] = "2000" } },
                    Step("tiny") with { ComponentId = "ws/sort", Hints = Input(1e3) },
                ],
            });
            var runId2 = run.GetProperty("runId").GetString()!;
            var starts = new[] { (await node.WaitStartAsync(5)).Start!, (await node.WaitStartAsync(6)).Start!, (await node.WaitStartAsync(7)).Start!, (await node.WaitStartAsync(8)).Start! };
            var steps = service.Get(runId2)!.Steps;
            var sort = starts.Single(s => s.InstanceId == steps.Single(x => x.StepId == "sort").InstanceId);
            Assert.Equal(sizerSize, sort.Limits.MemoryMiB, 0.01);
            Assert.Equal(2000, starts.Single(s => s.InstanceId == steps.Single(x => x.StepId == "big").InstanceId).Limits.MemoryMiB, 0.01);

            // An input size outside those the sizer learned (all 1e7 bytes) is not extrapolated: the forecast sizes it.
            Assert.DoesNotContain("+sizer", steps.Single(s => s.StepId == "tiny").Forecast!.Model, StringComparison.Ordinal);
            Assert.EndsWith("+sizer", steps.Single(s => s.StepId == "sort").Forecast!.Model, StringComparison.Ordinal);
            Assert.Equal(Math.Round(sizerSize, 1), steps.Single(s => s.StepId == "sort").Forecast!.MemoryMiB);
            Assert.DoesNotContain("+sizer", steps.Single(s => s.StepId == "fresh").Forecast!.Model, StringComparison.Ordinal);
            // A submitted sizer size is not taken: only the service sets it.
            Assert.True(starts.Single(s => s.ComponentId == "ws/fresh").Limits.MemoryMiB > 1);
            await service.CancelAsync(runId2, "test", TestContext.Current.CancellationToken);
            controller.AssertNoErrorsLogged();
        }

        await using (var controller = await TestController.StartAsync(dir.Path, port, settings))
        await using (var node = await SimulatedNode.StartAsync(controller, TestController.NodeA))
        {
            await Poll.UntilAsync(() => controller.Get<Edge.Controller.Placement.Allocator>().GetNodes().Any(n => n.Online), "the node is known to the broker");
            await SubmitAsync(controller, new WorkflowSubmission { RunId = "after-restart", WorkflowId = "sized", Steps = [Step("sort") with { Hints = Input(1e7) }] });
            var start = (await node.WaitStartAsync(1)).Start!;
            Assert.Equal(sizerSize, start.Limits.MemoryMiB, 0.01);
            Assert.EndsWith("+sizer", controller.Get<WorkflowService>().Get("after-restart")!.Steps[0].Forecast!.Model, StringComparison.Ordinal);
        }
    }
}
