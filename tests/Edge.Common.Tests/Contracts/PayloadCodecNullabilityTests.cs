using System.Text;
using Edge.Common.Contracts;

namespace Edge.Common.Tests.Contracts;

/// <summary>
/// The contract's nullability holds on decode (found by the fuzzer: a node status with <c>"capacity":null</c>
/// decoded, and the controller's placement inventory threw NullReferenceException on it in the control loop).
/// </summary>
public sealed class PayloadCodecNullabilityTests
{
    private const string Status = """{"schemaVersion":1,"nodeId":"node-a","online":true,"timestampMs":1780000000000""";

    [Theory]
    [InlineData("capacity")]
    [InlineData("pricing")]
    [InlineData("labels")]
    [InlineData("provider")]
    [InlineData("agentVersion")]
    public void Decode_StatusWithNullForNonNullable_IsMalformedNamingTheProperty(string property)
    {
        var result = PayloadCodec.Decode(Encoding.UTF8.GetBytes($"{Status},\"{property}\":null}}"), EdgeJsonContext.Default.NodeStatus);

        Assert.Equal(DecodeError.Malformed, result.Error);
        Assert.Contains("$." + property, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_StatusWithNullForNullable_IsAccepted()
    {
        var result = PayloadCodec.Decode(Encoding.UTF8.GetBytes($"{Status},\"capacity\":{{\"cpuMillicores\":1000,\"memoryMiB\":512,\"networkMbps\":null}}}}"), EdgeJsonContext.Default.NodeStatus);

        Assert.True(result.Ok, result.Message);
        Assert.Null(result.Value.Capacity.NetworkMbps);
    }

    [Fact]
    public void Decode_ResizeWithoutInstanceId_IsMalformed()
    {
        var payload = """{"schemaVersion":1,"commandId":"c-1","nodeId":"node-a","kind":"resize","issuedAtMs":1,"resize":{"limits":{"cpuMillicores":500,"memoryMiB":256}}}""";

        var result = PayloadCodec.Decode(Encoding.UTF8.GetBytes(payload), EdgeJsonContext.Default.NodeCommand);

        Assert.Equal(DecodeError.Malformed, result.Error);
        Assert.Contains("instanceId", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_EventWithNullNodeId_IsMalformed()
    {
        var payload = """{"schemaVersion":1,"nodeId":null,"eventId":"e-1","timestampMs":1,"kind":"instanceExited"}""";

        var result = PayloadCodec.Decode(Encoding.UTF8.GetBytes(payload), EdgeJsonContext.Default.NodeEvent);

        Assert.Equal(DecodeError.Malformed, result.Error);
        Assert.Contains("nodeId", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_StatusWithoutOptionalProperties_KeepsTheDocumentedDefaults()
    {
        // Found by the fuzzer: without "capacity" the source generator set Capacity to null (dotnet/runtime#84484)
        // and the controller's placement inventory threw NullReferenceException in the control loop.
        var result = PayloadCodec.Decode(Encoding.UTF8.GetBytes(Status + "}"), EdgeJsonContext.Default.NodeStatus);

        Assert.True(result.Ok, result.Message);
        Assert.Equal(new ResourceQuantity(0, 0), result.Value.Capacity);
        Assert.Equal(new NodePricing(PricingTier.OnDemand, 0, 0), result.Value.Pricing);
        Assert.Equal("local", result.Value.Provider);
        Assert.Empty(result.Value.Labels);
        Assert.Equal("", result.Value.AgentVersion);
        Assert.Equal("", result.Value.BootId);
        Assert.Equal("", result.Value.EnforcementMode);
    }

    [Fact]
    public void Decode_StartAndStepWithoutCollections_GetEmptyOnes()
    {
        var command = """{"schemaVersion":1,"commandId":"c-1","nodeId":"node-a","kind":"start","issuedAtMs":1,"start":{"instanceId":"i-1","componentId":"a/b","executable":"/bin/x","limits":{"cpuMillicores":100,"memoryMiB":64}}}""";
        var submission = """{"schemaVersion":1,"workflowId":"w","steps":[{"id":"s","componentId":"a/b","command":"/bin/x"}]}""";

        var start = PayloadCodec.Decode(Encoding.UTF8.GetBytes(command), EdgeJsonContext.Default.NodeCommand);
        var step = PayloadCodec.Decode(Encoding.UTF8.GetBytes(submission), EdgeJsonContext.Default.WorkflowSubmission);

        Assert.True(start.Ok, start.Message);
        Assert.Empty(start.Value.Start!.Args);
        Assert.Empty(start.Value.Start.Env);
        Assert.True(step.Ok, step.Message);
        Assert.Empty(step.Value.Steps[0].Args);
        Assert.Empty(step.Value.Steps[0].Env);
        Assert.Empty(step.Value.Steps[0].DependsOn);
        Assert.Empty(step.Value.Steps[0].Hints);
    }

    [Fact]
    public void Decode_ValueTypesWithDefaultsLeftOut_KeepTheirDocumentedDefaults()
    {
        var command = """{"schemaVersion":1,"commandId":"c-1","nodeId":"node-a","kind":"start","issuedAtMs":1,"start":{"instanceId":"i-1","componentId":"c","executable":"/x","limits":{"cpuMillicores":500,"memoryMiB":256}}}""";
        var submission = """{"schemaVersion":1,"workflowId":"w","steps":[{"id":"s","componentId":"c","command":"/x"}]}""";

        var start = PayloadCodec.Decode(Encoding.UTF8.GetBytes(command), EdgeJsonContext.Default.NodeCommand);
        var workflow = PayloadCodec.Decode(Encoding.UTF8.GetBytes(submission), EdgeJsonContext.Default.WorkflowSubmission);

        Assert.True(start.Ok, start.Message);
        Assert.Equal(10_000, start.Value.Start!.GracePeriodMs);
        Assert.True(workflow.Ok, workflow.Message);
        Assert.True(workflow.Value.Steps[0].Migratable);
    }
}
