using System.Diagnostics;
using Edge.Agent.Cgroups;

namespace Edge.Agent.Supervision;

/// <summary>The supervisor's live view of one instance. Mutated only under the supervisor's gate.</summary>
internal sealed class RunningInstance(InstanceState state, Process? process, InstanceNetwork? network = null)
{
    /// <summary>The instance's namespace and veth pair; null when it shares the host's network.</summary>
    public InstanceNetwork? Network { get; } = network;

    public InstanceState State { get; set; } = state;

    /// <summary>The launched process; null for an instance adopted after a restart (not our child).</summary>
    public Process? Process { get; } = process;

    public string Name => State.GroupName;
    public int Pid => State.Pid;

    /// <summary>Completes once the exit has been handled (events published, group removed).</summary>
    public TaskCompletionSource Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<string> StopCommandIds { get; } = [];
    public bool KillSent { get; set; }

    /// <summary>Set when the agent killed the instance because an AllowKill resize put its memory limit below its usage.</summary>
    public string? LimitKillReason { get; set; }
    public bool ExitHandled { get; set; }
    public CgroupStats? LastStats { get; set; }
    public long OomKillsReported { get; set; }
    public long ThrottledPeriodsReported { get; set; }
    public long ThrottledUsecReported { get; set; }
    public long? LastThrottleEventTimestamp { get; set; }

    /// <summary>The busier direction's last measured rate over the network cap (0 without one); written by the sampler.</summary>
    public double NetworkShare { get; set; }

    /// <summary>What it sent and received over the last sampling interval, in Mbps; written by the sampler.</summary>
    public double LastTxMbps { get; set; }

    public double LastRxMbps { get; set; }

    /// <summary>The token buckets' counters as last reported (reset when the cap is replaced).</summary>
    public TokenBucketCounters NetworkThrottle { get; set; }

    public long? LastNetworkThrottleEventTimestamp { get; set; }
}
