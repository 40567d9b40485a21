using System.Text;
using Edge.Common.Contracts;

namespace Edge.Agent.Sampling;

/// <summary>What <see cref="NetworkSampler"/> remembers about one interface between ticks; metric names built once.</summary>
internal sealed class NetworkInterfaceState
{
    public NetworkInterfaceState(ReadOnlySpan<byte> name)
    {
        NameBytes = name.ToArray();
        Name = Encoding.ASCII.GetString(name);
        IsLoopback = Name == "lo";
        IsInstanceEnd = Name.StartsWith(Supervision.InstanceNetwork.HostInterfacePrefix, StringComparison.Ordinal);
        RxBytesMetric = MetricNames.Interface(Name, "rx.bytes_per_s");
        TxBytesMetric = MetricNames.Interface(Name, "tx.bytes_per_s");
        RxPacketsMetric = MetricNames.Interface(Name, "rx.packets_per_s");
        TxPacketsMetric = MetricNames.Interface(Name, "tx.packets_per_s");
    }

    public byte[] NameBytes { get; }
    public string Name { get; }
    public bool IsLoopback { get; }

    /// <summary>The host end of an instance's veth: its traffic is the instance's (scope <c>instance/{id}</c>), not the node's.</summary>
    public bool IsInstanceEnd { get; }
    public string RxBytesMetric { get; }
    public string TxBytesMetric { get; }
    public string RxPacketsMetric { get; }
    public string TxPacketsMetric { get; }
    public NetDevCounters Previous { get; set; }
    public long PreviousMs { get; set; }
    public bool SeenThisTick { get; set; }
}
