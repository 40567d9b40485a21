using System.Diagnostics;

namespace Edge.Benchmarks.AgentOverhead;

/// <summary>
/// A real edge-agent process with its own node id, spool, supervisor state and cgroup parent, connected to the
/// benchmark's broker. Disposing it kills the agent (not its instances: stop them first, or <see cref="InstanceFleet.RemoveGroups"/>).
/// </summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly string _root;

    public AgentProcess(AgentVariant variant, string nodeId, int brokerPort, bool dotnetCounters)
    {
        Variant = variant;
        NodeId = nodeId;
        CgroupParent = "edge-bench-" + nodeId + "-" + Guid.NewGuid().ToString("N")[..6];
        _root = Directory.CreateTempSubdirectory("edge-agent-bench-").FullName;
        // The instances run as dynamic uids, which must be able to enter every directory above their own (0711, as
        // the supervisor keeps StateDirectory); CreateTempSubdirectory makes it 0700.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        var start = new ProcessStartInfo(variant.Executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["EDGE_Agent__NodeId"] = nodeId;
        start.Environment["EDGE_Agent__Mqtt__BrokerUrl"] = $"mqtt://127.0.0.1:{brokerPort}";
        start.Environment["EDGE_Agent__SpoolDirectory"] = Path.Combine(_root, "spool");
        start.Environment["EDGE_Agent__DotnetCounters__Enabled"] = dotnetCounters ? "true" : "false";
        start.Environment["EDGE_Supervisor__StateDirectory"] = Path.Combine(_root, "state");
        start.Environment["EDGE_Supervisor__CgroupParent"] = CgroupParent;
        start.Environment["EDGE_AGENT_CONFIG"] = "/etc/edge/agent.json";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning";
        foreach (var (key, value) in variant.Environment)
        {
            start.Environment[key] = value;
        }

        Process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {variant.Executable}");
        Process.OutputDataReceived += (_, e) => Forward(e.Data);
        Process.ErrorDataReceived += (_, e) => Forward(e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public AgentVariant Variant { get; }
    public string NodeId { get; }
    public string CgroupParent { get; }
    public Process Process { get; }
    public int Id => Process.Id;

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit();
        }

        Process.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private void Forward(string? line)
    {
        if (!string.IsNullOrEmpty(line))
        {
            Console.Error.WriteLine($"[{NodeId}] {line}");
        }
    }
}
