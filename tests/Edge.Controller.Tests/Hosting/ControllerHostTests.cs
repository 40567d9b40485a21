using Edge.Controller.Hosting;
using Edge.Controller.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Tests.Hosting;

public sealed class ControllerHostTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Build_ConfigFileArgument_ValuesApplied()
    {
        var file = Path.Combine(_dir.Path, "controller.json");
        await File.WriteAllTextAsync(file, """{ "Controller": { "TopicPrefix": "plant-7", "Broker": { "Port": 2883 }, "History": { "CheckpointInterval": "00:01:00" } } }""", TestContext.Current.CancellationToken);

        await using var app = ControllerHost.Build(["--config", file]);

        var options = app.Services.GetRequiredService<IOptions<ControllerOptions>>().Value;
        Assert.Equal("plant-7", options.TopicPrefix);
        Assert.Equal(2883, options.Broker.Port);
        Assert.Equal(TimeSpan.FromMinutes(1), options.History.CheckpointInterval);
        Assert.Equal("/var/lib/edge-controller", options.DataDirectory);
        Assert.Equal([HttpOptions.DefaultUrl], options.Http.EffectiveUrls);
    }

    [Fact]
    public void Build_ConfigFileArgumentMissing_FailsNamingThePath()
    {
        var missing = Path.Combine(_dir.Path, "nope.json");

        var ex = Assert.Throws<FileNotFoundException>(() => ControllerHost.Build(["--config", missing]));

        Assert.Contains("nope.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_ExternalSection_EmbeddedBrokerOff()
    {
        await using var app = ControllerHost.Build([], new Dictionary<string, string?> { ["Controller:External:BrokerUrl"] = "mqtts://broker.example:8883" });

        var options = app.Services.GetRequiredService<IOptions<ControllerOptions>>().Value;
        Assert.False(options.UsesEmbeddedBroker);
        Assert.Equal("mqtts://broker.example:8883", options.External!.BrokerUrl);
    }

    public void Dispose() => _dir.Dispose();
}
