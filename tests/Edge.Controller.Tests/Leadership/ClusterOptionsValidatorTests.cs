using Edge.Common.Messaging;
using Edge.Controller.Leadership;
using Edge.Controller.Options;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Edge.Controller.Tests.Leadership;

/// <summary>Cluster settings are checked at start; every error names its key and the offending value.</summary>
public sealed class ClusterOptionsValidatorTests
{
    private static readonly ControllerOptions External = new() { External = new MqttConnectionOptions { BrokerUrl = "mqtt://127.0.0.1:1883", ClientId = "edge-controller-c1" } };

    [Fact]
    public void TheDefaultsWithALoopbackEndpointAreValid()
    {
        var result = Validate(new ClusterOptions { Etcd = ["http://127.0.0.1:2379"], MemberId = "c1" }, External);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures ?? []));
    }

    [Fact]
    public void SubSecondRenewalsAndRequestTimeoutsAreValidAndTheEtcdConnectionAcceptsThem()
    {
        // HTTP/2 pings have a 1 s floor in SocketsHttpHandler; a controller with a 0.5 s keep-alive once died at start on it.
        var options = new ClusterOptions
        {
            Etcd = ["http://127.0.0.1:2379", "http://127.0.0.1:2380"],
            MemberId = "c1",
            LeaseTtl = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            KeepAliveInterval = TimeSpan.FromMilliseconds(500),
            RequestTimeout = TimeSpan.FromMilliseconds(500),
            RetryPeriod = TimeSpan.FromMilliseconds(500),
        };
        var result = Validate(options, External);
        Assert.True(result.Succeeded, string.Join("; ", result.Failures ?? []));

        using var connection = new EtcdConnection(options);
        Assert.Equal("http://127.0.0.1:2379", connection.CurrentUrl);
    }

    [Fact]
    public void NoEndpointsMeansNoClusterAndNothingToCheck() =>
        Assert.True(Validate(new ClusterOptions { RenewDeadline = TimeSpan.FromMinutes(1) }, new ControllerOptions()).Succeeded);

    [Theory]
    [InlineData("http://10.0.0.5:2379", "is plaintext to a non-loopback host")]
    [InlineData("etcd:2379", "is not an etcd client URL")]
    [InlineData("ftp://127.0.0.1:2379", "is not an etcd client URL")]
    public void AnUnusableEndpointIsNamed(string url, string why)
    {
        var result = Validate(new ClusterOptions { Etcd = ["http://127.0.0.1:2379", url] }, External);

        Assert.Contains(result.Failures!, f => f.StartsWith("Controller:Cluster:Etcd:1: ", StringComparison.Ordinal) && f.Contains($"'{url}'", StringComparison.Ordinal) && f.Contains(why, StringComparison.Ordinal));
    }

    [Fact]
    public void ARenewDeadlineTooCloseToTheTtlIsRefused()
    {
        var result = Validate(new ClusterOptions { Etcd = ["http://127.0.0.1:2379"], LeaseTtl = TimeSpan.FromSeconds(5), RenewDeadline = TimeSpan.FromSeconds(4.5) }, External);

        Assert.Contains(result.Failures!, f => f.Contains("RenewDeadline '00:00:04.5000000' must be at most LeaseTtl '00:00:05'", StringComparison.Ordinal));
    }

    [Fact]
    public void ClusterModeNeedsAnExternalBrokerAndAClientIdPerController()
    {
        Assert.Contains(Validate(new ClusterOptions { Etcd = ["http://127.0.0.1:2379"] }, new ControllerOptions()).Failures!, f => f.Contains("needs an external MQTT broker", StringComparison.Ordinal));
        var shared = new ControllerOptions { External = new MqttConnectionOptions { BrokerUrl = "mqtt://127.0.0.1:1883" } };
        Assert.Contains(Validate(new ClusterOptions { Etcd = ["http://127.0.0.1:2379"], MemberId = "c2" }, shared).Failures!, f => f.Contains("Controller:External:ClientId '' must be unique per controller", StringComparison.Ordinal) && f.Contains("edge-controller-c2", StringComparison.Ordinal));
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(ClusterOptions options, ControllerOptions controller) =>
        new ClusterOptionsValidator(MsOptions.Create(controller)).Validate(null, options);
}
