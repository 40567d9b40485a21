namespace Edge.Controller.Tests.Ctl;

/// <summary>
/// <c>edgectl config validate</c> runs the real services' <c>--check-config</c> (the built edge-controller and
/// edge-agent apphosts, named by EDGE_CONTROLLER_BIN / EDGE_AGENT_BIN): a good file exits 0, a bad one 1 with the
/// offending key and value, and nothing is started (no data directory appears).
/// </summary>
[Collection(nameof(EnvironmentCollection))]
public sealed class CtlConfigValidateTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task ControllerAndAgentFiles_ValidExit0_InvalidExit1NamingKeyAndValue()
    {
        var data = Path.Combine(_dir.Path, "never-created");
        var good = Write("controller-good.json", $$$"""{"Controller":{"DataDirectory":"{{{data}}}"}}""");
        var bad = Write("controller-bad.json", """{"Controller":{"DataDirectory":"DATA","Http":{"Urls":["ftp://0.0.0.0:21"]}}}""".Replace("DATA", data, StringComparison.Ordinal));
        var agentBad = Write("agent-bad.json", """{"Agent":{"NodeId":"bad/node id","Mqtt":{"ClientId":"x"}}}""");
        Environment.SetEnvironmentVariable("EDGE_CONTROLLER_BIN", Binary("controller/Edge.Controller", "edge-controller"));
        Environment.SetEnvironmentVariable("EDGE_AGENT_BIN", Binary("agent/Edge.Agent", "edge-agent"));
        try
        {
            var valid = await Ctl.RunAsync("config", "validate", "--controller", good);
            var invalid = await Ctl.RunAsync("config", "validate", "--controller", bad);
            var agent = await Ctl.RunAsync("config", "validate", "--agent", agentBad);
            var neither = await Ctl.RunAsync("config", "validate");
            var missing = await Ctl.RunAsync("config", "validate", "--agent", Path.Combine(_dir.Path, "nothing.json"));

            Assert.True(valid.Exit == 0, valid.ToString());
            Assert.Contains("configuration is valid", valid.Stdout, StringComparison.Ordinal);
            Assert.True(invalid.Exit == 1, invalid.ToString());
            Assert.Contains("Controller:Http:Urls:0 'ftp://0.0.0.0:21'", invalid.Stderr, StringComparison.Ordinal);
            Assert.True(agent.Exit == 1, agent.ToString());
            Assert.Contains("Agent:NodeId 'bad/node id'", agent.Stderr, StringComparison.Ordinal);
            Assert.Contains("Agent:Mqtt:ClientId 'x'", agent.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", agent.Stderr + invalid.Stderr, StringComparison.Ordinal);
            Assert.True(neither.Exit == 2, neither.ToString());
            Assert.True(missing.Exit == 1, missing.ToString());
            Assert.False(Directory.Exists(data), "validation started the controller: its data directory was created");
        }
        finally
        {
            Environment.SetEnvironmentVariable("EDGE_CONTROLLER_BIN", null);
            Environment.SetEnvironmentVariable("EDGE_AGENT_BIN", null);
        }
    }

    private string Write(string name, string json)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>A service's apphost in its own project's output (built with the solution), same configuration as this test.</summary>
    private static string Binary(string project, string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
        {
            dir = dir.Parent;
        }

        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(dir!.FullName, project, "bin", configuration, "net10.0", name);
        Assert.True(File.Exists(path), $"{name} is not built at {path}; build Edge.sln first");
        return path;
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>Tests that set process environment variables run apart from each other.</summary>
[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection;
