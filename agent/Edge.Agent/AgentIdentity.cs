using System.Reflection;
using Edge.Agent.Configuration;
using Edge.Common.Contracts;
using Microsoft.Extensions.Options;

namespace Edge.Agent;

/// <summary>Who this agent is: node id, topics, a boot id fresh for each process start, and the agent's version.</summary>
internal sealed class AgentIdentity
{
    public AgentIdentity(IOptions<AgentOptions> options)
    {
        NodeId = options.Value.NodeId;
        Topics = new EdgeTopics(options.Value.TopicPrefix);
        BootId = Guid.NewGuid().ToString("N");
        var assembly = typeof(AgentIdentity).Assembly;
        Version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
    }

    public string NodeId { get; }
    public EdgeTopics Topics { get; }
    public string BootId { get; }
    public string Version { get; }
}
