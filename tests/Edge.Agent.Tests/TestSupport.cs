using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Agent.Tests;

/// <summary>Small helpers shared by the agent tests.</summary>
internal static class TestSupport
{
    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static AgentMetrics NewMetrics() =>
        new ServiceCollection().AddMetrics().AddSingleton<AgentMetrics>().BuildServiceProvider().GetRequiredService<AgentMetrics>();

    /// <summary>A fresh directory under the temp dir, removed by the returned handle.</summary>
    public static TempDirectory TempDir() => new();
}
