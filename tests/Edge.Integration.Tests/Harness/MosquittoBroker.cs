using System.Diagnostics;

namespace Edge.Integration.Tests.Harness;

/// <summary>
/// A real mosquitto 2.x on a free loopback port, configured like packaging/mosquitto: no anonymous clients, a
/// password file made with mosquitto_passwd, and the shipped ACL. Tests skip when mosquitto is not installed.
/// </summary>
internal sealed class MosquittoBroker : IAsyncDisposable
{
    public const string ControllerUser = "edge-controller";
    private readonly DirectoryInfo _dir;
    private readonly ChildProcess _process;

    private MosquittoBroker(DirectoryInfo dir, int port, ChildProcess process, string controllerPassword, IReadOnlyDictionary<string, string> nodePasswords)
    {
        _dir = dir;
        Port = port;
        _process = process;
        ControllerPassword = controllerPassword;
        NodePasswords = nodePasswords;
    }

    public int Port { get; }

    public string Url => $"mqtt://127.0.0.1:{Port}";

    public string ControllerPassword { get; }

    public IReadOnlyDictionary<string, string> NodePasswords { get; }

    /// <summary>A credentials.json-shaped file with the node passwords, for agents' PasswordFile.</summary>
    public string PasswordFile => Path.Combine(_dir.FullName, "credentials.json");

    public string Output => _process.Output;

    public static bool IsInstalled => File.Exists("/usr/sbin/mosquitto") && File.Exists("/usr/bin/mosquitto_passwd");

    /// <param name="nodes">Node ids that get a user.</param>
    /// <param name="allInterfaces">Listen on every interface, for agents in <see cref="TestHost"/> namespaces.</param>
    /// <param name="controllerUsers">
    /// Further controller users (password <see cref="ControllerPassword"/>, the controller's ACL), one per controller
    /// of a cluster: the shipped configuration keys each session by its username, so controllers sharing one user
    /// would take each other's session over (docs/ha.md, "The broker in cluster mode").
    /// </param>
    public static async Task<MosquittoBroker> StartAsync(IReadOnlyList<string> nodes, bool allInterfaces = false, IReadOnlyList<string>? controllerUsers = null)
    {
        var dir = Directory.CreateTempSubdirectory("edge-mosquitto-");
        var port = FreePort.Next();
        var controllerPassword = Guid.NewGuid().ToString("N");
        var nodePasswords = nodes.ToDictionary(n => n, _ => Guid.NewGuid().ToString("N"), StringComparer.Ordinal);
        var passwd = Path.Combine(dir.FullName, "edge.passwd");
        await File.WriteAllTextAsync(passwd, "", TestContext.Current.CancellationToken);
        await RunAsync("/usr/bin/mosquitto_passwd", "-b", passwd, ControllerUser, controllerPassword);
        foreach (var user in controllerUsers ?? [])
        {
            await RunAsync("/usr/bin/mosquitto_passwd", "-b", passwd, user, controllerPassword);
        }

        // The shipped ACL, plus the controller rule for each further controller user, as docs/ha.md tells an operator to.
        var acl = Path.Combine(dir.FullName, "edge.acl");
        await File.WriteAllTextAsync(
            acl,
            await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "packaging", "mosquitto", "edge.acl"), TestContext.Current.CancellationToken)
                + string.Concat((controllerUsers ?? []).Select(u => $"\nuser {u}\ntopic readwrite edge/#\n")),
            TestContext.Current.CancellationToken);
        foreach (var (node, password) in nodePasswords)
        {
            await RunAsync("/usr/bin/mosquitto_passwd", "-b", passwd, node, password);
        }

        var shipped = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "packaging", "mosquitto", "edge.conf"), TestContext.Current.CancellationToken);
        // The shipped TLS listener (the last block) needs certificates the harness does not make: drop it.
        var config = shipped[..shipped.IndexOf("\n# TLS for everyone else.", StringComparison.Ordinal)]
            .Replace("listener 1883 127.0.0.1", allInterfaces ? $"listener {port}" : $"listener {port} 127.0.0.1", StringComparison.Ordinal)
            .Replace("/etc/mosquitto/edge.passwd", passwd, StringComparison.Ordinal)
            .Replace("/etc/mosquitto/edge.acl", acl, StringComparison.Ordinal)
            .Replace("persistence true", $"persistence true\npersistence_location {dir.FullName}/", StringComparison.Ordinal)
            // As root mosquitto would switch to its own user, which cannot read the test's private temp folder.
            + "\nuser root\n";
        var conf = Path.Combine(dir.FullName, "mosquitto.conf");
        await File.WriteAllTextAsync(conf, config, TestContext.Current.CancellationToken);
        var nodesJson = string.Join(",", nodePasswords.Select(p => $"\"{p.Key}\":\"{p.Value}\""));
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "credentials.json"), $"{{\"nodes\":{{{nodesJson}}}}}", TestContext.Current.CancellationToken);

        var process = ChildProcess.Start("/usr/sbin/mosquitto", ["-c", conf], new Dictionary<string, string>(), "mosquitto");
        var broker = new MosquittoBroker(dir, port, process, controllerPassword, nodePasswords);
        await Poll.UntilAsync(
            async () =>
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
                return "listening";
            },
            TimeSpan.FromSeconds(15),
            "mosquitto to listen",
            () => process.Output);
        return broker;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)}");
    }
}
