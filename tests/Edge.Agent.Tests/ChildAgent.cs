using System.Diagnostics;

namespace Edge.Agent.Tests;

/// <summary>
/// A real edge-agent process (the built apphost beside the tests) with configuration given only through EDGE_
/// environment variables, a broker that is not there and a temp spool. Killed on dispose.
/// </summary>
internal sealed class ChildAgent : IDisposable
{
    private readonly Process _process;

    public ChildAgent(string spoolDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "edge-agent"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["EDGE_Agent__NodeId"] = "child-agent";
        start.Environment["EDGE_Agent__Mqtt__BrokerUrl"] = "mqtt://127.0.0.1:1";
        start.Environment["EDGE_Agent__SpoolDirectory"] = spoolDirectory;
        start.Environment["EDGE_Agent__SampleInterval"] = "00:00:00.200";
        start.Environment["EDGE_Agent__DotnetCounters__Enabled"] = "false";
        Directory.CreateDirectory(spoolDirectory);
        var configFile = Path.Combine(spoolDirectory, "agent.json");
        File.WriteAllText(configFile, """{ "Agent": { "Provider": "child-test" } }""");
        start.Environment["EDGE_AGENT_CONFIG"] = configFile;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start edge-agent");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) => StandardError += e.Data + "\n";
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public string StandardError { get; private set; } = "";

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
