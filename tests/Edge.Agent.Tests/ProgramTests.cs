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
