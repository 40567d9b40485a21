using Edge.Agent.Configuration;

namespace Edge.Agent.Tests.Configuration;

/// <summary>Agent:Prometheus: off by default, loopback without a token, anywhere else only with a token file.</summary>
public sealed class PrometheusOptionsValidatorTests
{
    [Theory]
    [InlineData("", null)]
    [InlineData("127.0.0.1:9478", null)]
    [InlineData("[::1]:9478", null)]
    [InlineData("0.0.0.0:9478", "/etc/edge/metrics.token")]
    [InlineData("192.0.2.7:9478", "/etc/edge/metrics.token")]
    [InlineData("127.0.0.1:9478", "/etc/edge/metrics.token")]
    public void Validate_Accepted(string listen, string? tokenFile)
    {
        var result = Validate(new PrometheusOptions { Listen = listen, BearerTokenFile = tokenFile });

        Assert.True(result.Succeeded, string.Join("; ", result.Failures ?? []));
    }

    [Theory]
    [InlineData("0.0.0.0:9478", null, "Agent:Prometheus:Listen '0.0.0.0:9478' is not a loopback address: set Agent:Prometheus:BearerTokenFile")]
    [InlineData("[::]:9478", null, "Agent:Prometheus:Listen '[::]:9478' is not a loopback address")]
    [InlineData("192.0.2.7:9478", "", "Agent:Prometheus:Listen '192.0.2.7:9478' is not a loopback address")]
    [InlineData("localhost:9478", null, "Agent:Prometheus:Listen 'localhost:9478' 'localhost' is not an IP address")]
    [InlineData("127.0.0.1", null, "Agent:Prometheus:Listen '127.0.0.1' must be ip:port")]
    [InlineData("127.0.0.1:70000", null, "Agent:Prometheus:Listen '127.0.0.1:70000' port '70000' must be a number from 1 to 65535")]
    [InlineData("127.0.0.1:0", null, "Agent:Prometheus:Listen '127.0.0.1:0' port '0'")]
    [InlineData("::1:9478", null, "Agent:Prometheus:Listen '::1:9478' an IPv6 address must be in brackets")]
    [InlineData("127.0.0.1:9478", "metrics.token", "Agent:Prometheus:BearerTokenFile 'metrics.token' must be an absolute path")]
    public void Validate_Refused_NamesTheValue(string listen, string? tokenFile, string expected)
    {
        var result = Validate(new PrometheusOptions { Listen = listen, BearerTokenFile = tokenFile });

        Assert.False(result.Succeeded);
        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 5000, "Agent:Prometheus:MaxConnections '0' must be between 1 and 64")]
    [InlineData(65, 5000, "Agent:Prometheus:MaxConnections '65' must be between 1 and 64")]
    [InlineData(4, 50, "Agent:Prometheus:RequestTimeout '00:00:00.0500000' must be between")]
    [InlineData(4, 120_000, "Agent:Prometheus:RequestTimeout '00:02:00' must be between")]
    public void Validate_Bounds(int maxConnections, int timeoutMs, string expected)
    {
        var result = Validate(new PrometheusOptions { Listen = "127.0.0.1:9478", MaxConnections = maxConnections, RequestTimeout = TimeSpan.FromMilliseconds(timeoutMs) });

        Assert.False(result.Succeeded);
        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Default_IsOff()
    {
        Assert.Equal("", new AgentOptions().Prometheus.Listen);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(PrometheusOptions prometheus) =>
        new AgentOptionsValidator().Validate(null, new AgentOptions { NodeId = "node-1", Prometheus = prometheus });
}
