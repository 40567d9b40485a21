namespace Edge.Controller.Options;

/// <summary>The embedded MQTT broker.</summary>
internal sealed record BrokerOptions
{
    public bool Embedded { get; init; } = true;

    /// <summary>
    /// Address the plaintext MQTT endpoint binds to: loopback by default (the controller's own connection and a
    /// local agent). A non-loopback address is refused at start unless <see cref="AllowPlaintext"/> is set; remote
    /// agents use the TLS endpoint (<see cref="Tls"/>).
    /// </summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 1883;

    /// <summary>Allow the plaintext endpoint on a non-loopback address (passwords and commands in clear on the wire).</summary>
    public bool AllowPlaintext { get; init; }

    public BrokerTlsOptions Tls { get; init; } = new();

    /// <summary>
    /// Messages queued per subscriber before the broker drops the oldest; MQTTnet's default of 250 silently drops
    /// QoS 0. Together with <see cref="MaxPendingBytesPerClient"/> this bounds what a client that does not read costs.
    /// </summary>
    public int MaxPendingMessagesPerClient { get; init; } = 10_000;

    /// <summary>Payload bytes queued per subscriber; a message that would exceed it is not queued (counted, logged).</summary>
    public long MaxPendingBytesPerClient { get; init; } = 64L << 20;

    /// <summary>
    /// Largest CONNECT packet accepted, checked on the remaining length in the fixed header before MQTTnet allocates
    /// the body: bounds what an unauthenticated socket can make the controller allocate.
    /// </summary>
    public int MaxConnectPacketBytes { get; init; } = 64 << 10;

    /// <summary>Largest application payload a client may publish; packets above it plus 64 KiB of header room close the connection.</summary>
    public int MaxPayloadBytes { get; init; } = 1 << 20;

    /// <summary>Sustained publishes per second per client (token bucket); the controller's own user is not limited.</summary>
    public double MaxPublishesPerSecond { get; init; } = 100;

    /// <summary>Bucket size: publishes a client may send in a burst above the sustained rate.</summary>
    public int PublishBurst { get; init; } = 500;

    /// <summary>
    /// Sustained payload bytes per second per client (token bucket of <see cref="PublishBytesBurst"/>). A client over
    /// it is refused and disconnected: MQTTnet has already read (allocated) each packet when the broker sees it, so
    /// only closing the socket stops a flood from costing memory. The agent keeps refused batches in its spool.
    /// </summary>
    public long MaxPublishBytesPerSecond { get; init; } = 1L << 20;

    /// <summary>Payload bytes a client may send in a burst above <see cref="MaxPublishBytesPerSecond"/> (e.g. a spool replay).</summary>
    public long PublishBytesBurst { get; init; } = 16L << 20;

    /// <summary>How long a new connection may take to send its CONNECT packet.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The controller's own MQTT user.</summary>
    public string ControllerUsername { get; init; } = "edge-controller";

    /// <summary>The controller's password; generated into the credentials file when empty.</summary>
    public string? ControllerPassword { get; init; }

    /// <summary>Node id (= MQTT username) to password, in addition to the credentials file.</summary>
    public IReadOnlyDictionary<string, string> Nodes { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Integration users (username to password, in addition to the credentials file's <c>submitters</c>) that may
    /// only publish workflow submissions on <c>{prefix}/v1/workflows/submit</c> and read run status; no node topics.
    /// </summary>
    public IReadOnlyDictionary<string, string> Submitters { get; init; } = new Dictionary<string, string>();

    /// <summary>Write <c>{DataDirectory}/credentials.json</c> with random passwords on first start (one-machine mode).</summary>
    public bool GenerateCredentials { get; init; } = true;

    /// <summary>Node ids that get a generated password; this host's name when empty.</summary>
    public IReadOnlyList<string> LocalNodes { get; init; } = [];

    /// <summary>How often changed retained messages are written to disk.</summary>
    public TimeSpan RetainedFlushInterval { get; init; } = TimeSpan.FromSeconds(1);
}
