using System.Text;
using Edge.Common.Contracts;

namespace Edge.Common.Tests.Contracts;

public sealed class PayloadCodecTests
{
    [Fact]
    public void Decode_EveryWireType_RoundTrips()
    {
        var ctx = EdgeJsonContext.Default;
        AssertRoundTrip(WireSamples.Status(), ctx.NodeStatus);
        AssertRoundTrip(WireSamples.Metrics(), ctx.MetricBatch);
        AssertRoundTrip(WireSamples.Event(), ctx.NodeEvent);
        AssertRoundTrip(WireSamples.StartCommand(), ctx.NodeCommand);
        AssertRoundTrip(WireSamples.Prediction(), ctx.PredictionProfile);
        AssertRoundTrip(WireSamples.Resource(), ctx.ResourceDefinition);
        AssertRoundTrip(WireSamples.DecisionSample(), ctx.Decision);
        AssertRoundTrip(WireSamples.Submission(), ctx.WorkflowSubmission);
        AssertRoundTrip(WireSamples.RunStatus(), ctx.WorkflowRunStatus);
    }

    [Fact]
    public void Encode_Enums_AreCamelCaseStrings()
    {
        var json = Encoding.UTF8.GetString(PayloadCodec.Encode(WireSamples.Status(), EdgeJsonContext.Default.NodeStatus));

        Assert.Contains("\"cgroupMode\":\"v1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"tier\":\"spot\"", json, StringComparison.Ordinal);
        Assert.Contains("\"schemaVersion\":1", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_SampleValueNaNOrInfinity_KeepsTheBatchReadableSoTheSampleCanBeRefusedAlone()
    {
        var batch = WireSamples.Metrics() with { Samples = [new MetricSample("node", MetricNames.CpuCores, double.NaN), new MetricSample("node", MetricNames.MemoryUsedMiB, double.PositiveInfinity), new MetricSample("node", MetricNames.CpuUtilisationPercent, 12.5)] };

        var bytes = PayloadCodec.Encode(batch, EdgeJsonContext.Default.MetricBatch);
        var result = PayloadCodec.Decode(bytes, EdgeJsonContext.Default.MetricBatch);

        Assert.Contains("\"value\":\"NaN\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.True(result.Ok, result.Message);
        Assert.True(double.IsNaN(result.Value.Samples[0].Value));
        Assert.Equal(double.PositiveInfinity, result.Value.Samples[1].Value);
        Assert.Equal(12.5, result.Value.Samples[2].Value);
    }

    [Theory]
    [InlineData("{", "malformed")]
    [InlineData("[1,2]", "malformed")]
    [InlineData("null", "null")]
    [InlineData("{\"schemaVersion\":1,\"nodeId\":\"n1\"}", "missing required")]
    [InlineData("{\"schemaVersion\":1,\"nodeId\":\"n1\",\"sequence\":\"x\",\"timestampMs\":1,\"samples\":[]}", "$.sequence")]
    public void Decode_MalformedBatch_IsRejectedWithReason(string payload, string expectedInMessage)
    {
        var result = PayloadCodec.Decode(Encoding.UTF8.GetBytes(payload), EdgeJsonContext.Default.MetricBatch);

        Assert.False(result.Ok);
        Assert.Equal(DecodeError.Malformed, result.Error);
        Assert.Contains(expectedInMessage, result.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Decode_EmptyPayload_IsMalformed()
    {
        var result = PayloadCodec.Decode([], EdgeJsonContext.Default.NodeStatus);

        Assert.Equal(DecodeError.Malformed, result.Error);
    }

    [Fact]
    public void Decode_WrongSchemaVersion_IsRejectedNamingTheVersion()
    {
        var batch = WireSamples.Metrics() with { SchemaVersion = 7 };
        var bytes = PayloadCodec.Encode(batch, EdgeJsonContext.Default.MetricBatch);

        var result = PayloadCodec.Decode(bytes, EdgeJsonContext.Default.MetricBatch);

        Assert.Equal(DecodeError.WrongVersion, result.Error);
        Assert.Contains("schemaVersion 7", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_Oversized_IsRejectedBeforeParsing()
    {
        var bytes = PayloadCodec.Encode(WireSamples.Metrics(), EdgeJsonContext.Default.MetricBatch);

        var result = PayloadCodec.Decode(bytes, EdgeJsonContext.Default.MetricBatch, maxBytes: bytes.Length - 1);

        Assert.Equal(DecodeError.Oversized, result.Error);
        Assert.Contains(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_UnknownEnumValue_IsMalformed()
    {
        var json = "{\"schemaVersion\":1,\"commandId\":\"c1\",\"nodeId\":\"n1\",\"kind\":\"explode\",\"issuedAtMs\":1}";

        var result = PayloadCodec.Decode(Encoding.UTF8.GetBytes(json), EdgeJsonContext.Default.NodeCommand);

        Assert.Equal(DecodeError.Malformed, result.Error);
    }

    private static void AssertRoundTrip<T>(T message, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class, IWireMessage
    {
        var bytes = PayloadCodec.Encode(message, typeInfo);
        var result = PayloadCodec.Decode(bytes, typeInfo);

        Assert.True(result.Ok, result.Message);
        // Records compare collections by reference, so compare the canonical encodings instead.
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(PayloadCodec.Encode(result.Value, typeInfo)));
    }
}
