using System.Diagnostics.Metrics;
using Edge.Controller.Telemetry;

namespace Edge.Controller.Tests.Telemetry;

public sealed class PrometheusNamesTests
{
    [Fact]
    public void For_UnitsBecomeBaseUnitSuffixes_CountersEndInTotal_MillisecondsAreScaled()
    {
        using var meter = new Meter("Edge.Test.Names");
        Assert.Equal(("edge_ingest_lag_seconds", 0.001), PrometheusNames.For(meter.CreateHistogram<double>("edge.ingest.lag", unit: "ms"), counter: false));
        Assert.Equal(("edge_x_duration_seconds", 1.0), PrometheusNames.For(meter.CreateHistogram<double>("edge.x.duration", unit: "s"), counter: false));
        Assert.Equal(("edge_x_size_bytes_total", 1.0), PrometheusNames.For(meter.CreateCounter<long>("edge.x.size", unit: "By"), counter: true));
        Assert.Equal(("edge_ingest_batches_total", 1.0), PrometheusNames.For(meter.CreateCounter<long>("edge.ingest.batches", unit: "{batch}"), counter: true));
        Assert.Equal(("edge_already_total", 1.0), PrometheusNames.For(meter.CreateCounter<long>("edge.already_total"), counter: true));
        Assert.Equal(("edge_ingest_channel_depth", 1.0), PrometheusNames.For(meter.CreateCounter<long>("edge.ingest.channel.depth"), counter: false));
    }

    [Fact]
    public void Sanitize_KeepsSnakeCase_ReplacesTheRest_NoLeadingDigit()
    {
        Assert.Equal("edge_api_refused", PrometheusNames.Sanitize("Edge.Api-Refused"));
        Assert.Equal("_9lives", PrometheusNames.Sanitize("9lives"));
        Assert.Equal("a_b_c", PrometheusNames.Sanitize("a b/c"));
    }
}
