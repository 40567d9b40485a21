using Edge.Agent.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Tests;

public sealed class ProgramTests : IDisposable
{
    private readonly TempDirectory _dir = TestSupport.TempDir();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ConfigFilePath_FlagWinsOverEnvironmentOverDefault()
    {
        Assert.Equal("/x/a.json", Program.ConfigFilePath(["--config", "/x/a.json"], "/y/b.json"));
        Assert.Equal("/x/a.json", Program.ConfigFilePath(["--config=/x/a.json"], null));
        Assert.Equal("/y/b.json", Program.ConfigFilePath([], "/y/b.json"));
        Assert.Equal(Program.DefaultConfigFile, Program.ConfigFilePath([], null));
    }

    [Fact]
    public void Build_ConfigFileThenCommandLine_LaterSourceWins()
    {
        var file = _dir.Combine("agent.json");
        File.WriteAllText(file, """{ "Agent": { "NodeId": "file-node", "Provider": "from-file", "SpoolDirectory": "/tmp/x" } }""");

        using var host = Program.Build(["--config", file, "--Agent:NodeId=cli-node"]);
        var options = host.Services.GetRequiredService<IOptions<AgentOptions>>().Value;

        Assert.Equal("cli-node", options.NodeId);
        Assert.Equal("from-file", options.Provider);
        Assert.Equal(TimeSpan.FromSeconds(1), options.SampleInterval); // from appsettings.json beside the binary
    }

    [Fact]
    public async Task Main_BrokerUnreachable_RunsAndSpoolsBatchesFromEnvironmentConfig()
    {
        var spool = _dir.Combine("spool");
        using var child = new ChildAgent(spool);

        await Poll.UntilAsync(() => child.HasExited || (Directory.Exists(spool) && Directory.GetFiles(spool, "*.seg").Any(f => new FileInfo(f).Length > 0)), "a spooled batch");

        Assert.False(child.HasExited, child.StandardError);
    }

    [Fact]
    public async Task Main_InvalidConfiguration_ExitsWithEveryError()
    {
        using var child = new ChildAgent(_dir.Path, new Dictionary<string, string>
        {
            ["EDGE_Agent__NodeId"] = "bad#node",
            ["EDGE_Agent__SpoolMaxBytes"] = "1",
        });

        await Poll.UntilAsync(() => child.HasExited, "the agent to refuse its configuration");

        Assert.Equal(2, child.ExitCode);
        Assert.Contains("Agent:NodeId 'bad#node'", child.StandardError, StringComparison.Ordinal);
        Assert.Contains("Agent:SpoolMaxBytes '1'", child.StandardError, StringComparison.Ordinal);
    }
}
