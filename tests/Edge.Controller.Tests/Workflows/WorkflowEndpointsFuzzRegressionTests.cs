using System.Net;
using Edge.Common.Contracts;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Workflows;

/// <summary>
/// Found by the fuzzer (tests/Edge.Benchmarks fuzz, target http POST /api/workflows, 2026-12-04): a run id with a
/// non-ASCII letter (valid as an id and as an MQTT topic segment) was accepted, then writing it into the Location
/// header threw in Kestrel and the caller got a 500 for a run that had started.
/// </summary>
public sealed class WorkflowEndpointsFuzzRegressionTests
{
    [Fact]
    public async Task Submit_RunIdWithNonAsciiLetter_Returns201WithAnEscapedLocation()
    {
        using var dir = new TempDirectory();
        await using var controller = await TestController.StartAsync(dir.Path);
        var submission = new WorkflowSubmission
        {
            RunId = "run-\u0130stanbul",
            WorkflowId = "fuzz",
            Steps = [new WorkflowStep { Id = "only", ComponentId = "fuzz/only", Command = "/opt/edge/bin/edge-workload" }],
        };

        using var response = await controller.Http.PostAsync(
            "/api/workflows",
            new ByteArrayContent(PayloadCodec.Encode(submission, EdgeJsonContext.Default.WorkflowSubmission)) { Headers = { ContentType = new("application/json") } },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/workflows/run-%C4%B0stanbul", response.Headers.Location?.OriginalString);
        using var follow = await controller.Http.GetAsync(response.Headers.Location, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, follow.StatusCode);
        controller.AssertNoErrorsLogged();
    }
}
