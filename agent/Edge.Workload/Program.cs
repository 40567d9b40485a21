using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Edge.Workload;

/// <summary>
/// <c>edge-workload</c>: reproduces a component's resource profile (CPU cores, resident memory, egress) for tests,
/// benchmarks and demos. Exits 0 when the duration ends, 143 on SIGTERM (unless <c>--ignore-sigterm</c>), 2 on bad
/// arguments.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = WorkloadOptions.Parse(args, out var error);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"edge-workload: {error}\n{WorkloadOptions.Usage}");
            return 2;
        }

        IReadOnlyList<ProfileStep> profile;
        try
        {
            profile = options.ProfilePath is null ? [] : ProfileStep.Load(options.ProfilePath);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"edge-workload: {e.Message}");
            return 2;
        }

        using var stop = new CancellationTokenSource();
        var terminated = false;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            if (!options.IgnoreSigterm)
            {
                terminated = true;
                stop.Cancel();
            }
        });

        if (options.Say is { } say)
        {
            Console.Out.WriteLine(say);
            Console.Out.Flush();
        }

        if (options.SayStderr is { } sayStderr)
        {
            Console.Error.WriteLine(sayStderr);
            Console.Error.Flush();
        }

        await RunAsync(options, profile, stop.Token);
        return terminated ? 143 : 0;
    }

    private static async Task RunAsync(WorkloadOptions options, IReadOnlyList<ProfileStep> profile, CancellationToken stop)
    {
        using var burner = new CpuBurner(stop);
        using var memory = new MemoryHolder();
        // The sender stops with the run: at a signal, and when the duration is over (it used to wait for a signal only).
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var network = options.NetMbps > 0 ? NetworkSender.RunAsync(options.NetMbps, options.NetTarget!, sending.Token) : Task.CompletedTask;
        var start = Stopwatch.GetTimestamp();
        var duration = options.DurationSeconds > 0 ? options.DurationSeconds : double.PositiveInfinity;
        var said = 0;
        while (!stop.IsCancellationRequested)
        {
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (elapsed >= duration)
            {
                break;
            }

            if (options.SayEverySeconds > 0 && options.Say is { } say && elapsed >= (said + 1) * options.SayEverySeconds)
            {
                said++;
                // Never fatal: output may go nowhere for a while (an agent restarting), and the workload goes on.
                try
                {
                    Console.Out.WriteLine($"{say} #{said}");
                    Console.Out.Flush();
                }
                catch (IOException)
                {
                    // This line is lost; the next may get through.
                }
            }

            var (cpu, mem) = Target(options, profile, elapsed);
            burner.SetCores(cpu);
            memory.SetMiB(mem);
            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await sending.CancelAsync();
        await network;
    }

    private static (double Cpu, double Mem) Target(WorkloadOptions options, IReadOnlyList<ProfileStep> profile, double elapsed)
    {
        var step = profile.LastOrDefault(s => s.AtSeconds <= elapsed);
        if (step is not null)
        {
            return (step.CpuCores, step.MemoryMiB);
        }

        var ramp = options.MemoryRampSeconds > 0 ? Math.Min(1, elapsed / options.MemoryRampSeconds) : 1;
        return (options.CpuCores, options.MemoryMiB * ramp);
    }
}
