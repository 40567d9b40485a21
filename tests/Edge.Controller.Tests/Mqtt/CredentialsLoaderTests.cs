using System.Text.Json;
using Edge.Controller.Mqtt;
using Edge.Controller.Options;

namespace Edge.Controller.Tests.Mqtt;

public sealed class CredentialsLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Load_FirstStart_GeneratesOwnerOnlyFileWithControllerAndLocalNode()
    {
        var credentials = CredentialsLoader.Load(new ControllerOptions { DataDirectory = _dir.Path }, "host-1");

        var path = Path.Combine(_dir.Path, CredentialsLoader.FileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var nodePassword = json.RootElement.GetProperty("nodes").GetProperty("host-1").GetString();
        Assert.True(nodePassword!.Length >= 24);
        Assert.True(credentials.Verify("host-1", nodePassword));
        Assert.True(credentials.Verify("edge-controller", json.RootElement.GetProperty("controller").GetProperty("password").GetString()));
        Assert.False(credentials.Verify("host-1", nodePassword + "x"));
    }

    [Fact]
    public void Load_SecondStart_KeepsPasswordsAndAddsNewLocalNodes()
    {
        var first = CredentialsLoader.Load(new ControllerOptions { DataDirectory = _dir.Path }, "host-1");
        var before = File.ReadAllText(Path.Combine(_dir.Path, CredentialsLoader.FileName));

        var second = CredentialsLoader.Load(new ControllerOptions { DataDirectory = _dir.Path, Broker = new BrokerOptions { LocalNodes = ["host-1", "host-2"] } }, "ignored");

        Assert.Equal(first.Controller, second.Controller);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, CredentialsLoader.FileName)));
        using var old = JsonDocument.Parse(before);
        Assert.Equal(old.RootElement.GetProperty("nodes").GetProperty("host-1").GetString(), json.RootElement.GetProperty("nodes").GetProperty("host-1").GetString());
        Assert.Equal(["host-1", "host-2"], second.NodeIds.Order());
    }

    [Fact]
    public void Load_ConfiguredNodesAndNoGeneration_UsesConfigurationOnly()
    {
        var options = new ControllerOptions
        {
            DataDirectory = _dir.Path,
            Broker = new BrokerOptions { GenerateCredentials = false, ControllerPassword = "c-pw", Nodes = new Dictionary<string, string> { ["far-node"] = "f-pw" } },
        };

        var credentials = CredentialsLoader.Load(options, "host-1");

        Assert.True(credentials.Verify("far-node", "f-pw"));
        Assert.True(credentials.Verify("edge-controller", "c-pw"));
        Assert.False(credentials.Verify("host-1", ""));
        Assert.False(File.Exists(Path.Combine(_dir.Path, CredentialsLoader.FileName)));
    }

    [Fact]
    public void Load_NoControllerPasswordAnywhere_FailsNamingTheKey()
    {
        var options = new ControllerOptions { DataDirectory = _dir.Path, Broker = new BrokerOptions { GenerateCredentials = false } };

        var ex = Assert.Throws<InvalidOperationException>(() => CredentialsLoader.Load(options, "host-1"));

        Assert.Contains("Controller:Broker:ControllerPassword", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_SubmitterNamedLikeANode_IsRefusedWithTheName()
    {
        var options = new ControllerOptions { DataDirectory = _dir.Path, Broker = new BrokerOptions { LocalNodes = ["host-1"], Submitters = new Dictionary<string, string> { ["host-1"] = "x" } } };

        var error = Assert.Throws<InvalidOperationException>(() => CredentialsLoader.Load(options, "ignored"));

        Assert.Contains("'host-1'", error.Message, StringComparison.Ordinal);
    }
}
