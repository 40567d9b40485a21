using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Agent.Tests;

/// <summary>Small helpers shared by the agent tests.</summary>
internal static class TestSupport
{
    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static AgentMetrics NewMetrics() =>
        new ServiceCollection().AddMetrics().AddSingleton<AgentMetrics>().BuildServiceProvider().GetRequiredService<AgentMetrics>();

    /// <summary>Cores the kernel lists in /proc/stat (cpuN lines), counted independently of the parser under test.</summary>
    public static int KernelCores() =>
        File.ReadLines("/proc/stat").Count(l => l.Length > 3 && l.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(l[3]));

    /// <summary>A fresh directory under the temp dir, removed by the returned handle.</summary>
    public static TempDirectory TempDir() => new();
}
