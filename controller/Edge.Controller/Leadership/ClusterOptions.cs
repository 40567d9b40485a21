namespace Edge.Controller.Leadership;

/// <summary>
/// Cluster mode, bound from <c>Controller:Cluster</c>: several controllers elect one leader through an etcd lease
/// (<see cref="EtcdLeadership"/>). Absent (no <see cref="Etcd"/> endpoints), the controller runs alone and always
/// leads. Cluster mode needs an external MQTT broker (<c>Controller:External</c>) that every controller shares.
/// </summary>
internal sealed record ClusterOptions
{
    public const string SectionName = "Controller:Cluster";

    /// <summary>etcd client URLs (<c>https://etcd1:2379</c>, ...); plain <c>http://</c> only to loopback unless <see cref="AllowPlaintext"/>.</summary>
    public string[] Etcd { get; init; } = [];

    /// <summary>This controller's name in the election; unique per controller (default: the host name).</summary>
    public string MemberId { get; init; } = Environment.MachineName;

    /// <summary>
    /// The API URL clients should use to reach this controller when it leads; followers name it in their 421
    /// answers to mutating calls. Optional.
    /// </summary>
    public string? AdvertiseUrl { get; init; }

    /// <summary>Keys live under this prefix: <c>{prefix}/leader</c> (held with the lease) and <c>{prefix}/term</c>.</summary>
    public string KeyPrefix { get; init; } = "/edge/controller";

    /// <summary>The lease's TTL on the etcd side: how long after the leader's last renewal etcd deletes its key.</summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the leader renews its lease (and re-reads its key).</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The leader stops leading this long after it <em>sent</em> its last successful renewal, measured on its own
    /// monotonic clock, unless a later renewal succeeded. Must be shorter than <see cref="LeaseTtl"/> by at least
    /// <see cref="MinimumSafetyMargin"/>, so a cut-off leader has stopped before etcd can hand the lease to another.
    /// </summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(3.5);

    /// <summary>Deadline of one etcd request (grant, transaction, read, revoke).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a follower waits for the leader key's deletion before it checks again.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>etcd user (etcd's <c>--auth</c> on); the role needs read/write on <see cref="KeyPrefix"/> only.</summary>
    public string? Username { get; init; }

    /// <summary>File holding that user's password (mode 0600), read at each authentication.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>PEM CA that signed the etcd servers' certificates; when set only this CA is trusted.</summary>
    public string? CaCertificateFile { get; init; }

    /// <summary>PEM client certificate (etcd's <c>--client-cert-auth</c>: its common name is the etcd user).</summary>
    public string? ClientCertificateFile { get; init; }

    /// <summary>PEM private key of <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientKeyFile { get; init; }

    /// <summary>Accept <c>http://</c> endpoints that are not loopback (the lease and keys travel in clear).</summary>
    public bool AllowPlaintext { get; init; }

    /// <summary>On losing the lead, stop the process (exit code <see cref="LostLeadershipExitCode"/>) so that the service manager restarts it as a follower; as Kubernetes' controller manager does.</summary>
    public bool ExitOnLostLeadership { get; init; } = true;

    public const int LostLeadershipExitCode = 75;

    /// <summary>Least gap between <see cref="RenewDeadline"/> and <see cref="LeaseTtl"/> (clock-rate drift, GC pauses, the time a command takes to leave).</summary>
    public static readonly TimeSpan MinimumSafetyMargin = TimeSpan.FromSeconds(1);

    /// <summary>True when endpoints are configured.</summary>
    public bool Enabled => Etcd.Length > 0;

    public string LeaderKey => KeyPrefix.TrimEnd('/') + "/leader";

    public string TermKey => KeyPrefix.TrimEnd('/') + "/term";
}
