using Edge.Agent.Cgroups;
using Edge.Agent.Configuration;
using Edge.Common.Contracts;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Publishing;

/// <summary>
/// Builds the retained node status: capacity (the <see cref="NodeCapacity"/> the supervisor also admits against),
/// labels, pricing, provider, cgroup mode and enforcement mode, agent version and boot id. The cgroup layout is read
/// once, at first use.
/// </summary>
internal sealed class NodeStatusFactory
{
    private readonly AgentOptions _options;
    private readonly AgentIdentity _identity;
    private readonly TimeProvider _time;
    private readonly ResourceQuantity _capacity;
    private readonly Lazy<(CgroupMode Mode, string Enforcement)> _node;

    // enforcement: what the supervisor enforces through; absent on an agent without a supervisor.
    public NodeStatusFactory(IOptions<AgentOptions> options, AgentIdentity identity, NodeCapacity capacity, TimeProvider time, IEnforcementInfo? enforcement = null)
    {
        _options = options.Value;
        _identity = identity;
        _time = time;
        _capacity = capacity.Quantity;
        _node = new(() =>
        {
            if (enforcement is not null)
            {
                return (enforcement.CgroupMode, enforcement.Mode);
            }

            var mode = DetectCgroupMode();
            return (mode, mode switch
            {
                CgroupMode.V1 => "cgroup-v1",
                CgroupMode.V2 => "cgroup-v2",
                _ => "rlimit",
            });
        });
    }

    public string Topic => _identity.Topics.NodeStatus(_identity.NodeId);

    public NodeStatus Create(bool online)
    {
        var (mode, enforcementMode) = _node.Value;
        return new NodeStatus
        {
            NodeId = _identity.NodeId,
            Online = online,
            TimestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            AgentVersion = _identity.Version,
            BootId = _identity.BootId,
            CgroupMode = mode,
            EnforcementMode = enforcementMode,
            Capacity = _capacity,
            Provider = _options.Provider,
            Pricing = new NodePricing(_options.Pricing.Tier, _options.Pricing.CostPerCoreHour, _options.Pricing.CostPerGiBHour),
            Labels = new Dictionary<string, string>(_options.Labels, StringComparer.Ordinal),
        };
    }

    public byte[] Encode(bool online) => PayloadCodec.Encode(Create(online), EdgeJsonContext.Default.NodeStatus);

    private static CgroupMode DetectCgroupMode()
    {
        try
        {
            return CgroupLayout.Detect().Mode;
        }
        catch (IOException)
        {
            return CgroupMode.None;
        }
    }
}
