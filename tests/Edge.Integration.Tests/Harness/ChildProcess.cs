using System.Diagnostics;
using System.Text;

namespace Edge.Integration.Tests.Harness;

/// <summary>
/// A real process started by a test (edge-controller, edge-agent, mosquitto), its output kept for the failure
/// message. Disposing asks it to stop (SIGTERM) and kills it if it does not.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private int _disposed;

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int Pid => _process.Id;

    /// <summary>The exit code once the process has exited, else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public static ChildProcess Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env, string name)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env)
        {
            psi.Environment[key] = value;
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>SIGTERM, then wait up to <paramref name="grace"/> before SIGKILL: what systemd does on stop.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = Kill(_process.Id, 15);
        if (!await ExitedWithinAsync(grace))
        {
            _process.Kill(entireProcessTree: true);
            await ExitedWithinAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// Polls for the exit instead of WaitForExitAsync, which also waits for the end of the output: a process's
    /// children that outlive it (an agent's instances are meant to) keep that open.
    /// </summary>
    private async Task<bool> ExitedWithinAsync(TimeSpan limit)
    {
        var until = DateTimeOffset.UtcNow + limit;
        while (!_process.HasExited && DateTimeOffset.UtcNow < until)
        {
            await Task.Delay(20);
        }

        return _process.HasExited;
    }

    /// <summary>SIGKILL: a crash, no clean shutdown.</summary>
    public async Task CrashAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            await ExitedWithinAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_output.Length < 1_000_000)
            {
                _output.Append(Name).Append(": ").AppendLine(line);
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
