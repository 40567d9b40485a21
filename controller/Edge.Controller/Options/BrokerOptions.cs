namespace Edge.Controller.Options;

/// <summary>The embedded MQTT broker.</summary>
internal sealed record BrokerOptions
{
    public bool Embedded { get; init; } = true;

    /// <summary>Address the plain MQTT endpoint binds to; any interface by default so remote agents can connect.</summary>
    public string BindAddress { get; init; } = "0.0.0.0";

    public int Port { get; init; } = 1883;

    public BrokerTlsOptions? Tls { get; init; }

    /// <summary>Messages queued per subscriber before the broker drops; MQTTnet's default of 250 silently drops QoS 0.</summary>
    public int MaxPendingMessagesPerClient { get; init; } = 100_000;

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
