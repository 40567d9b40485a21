namespace Edge.Common.Contracts;

/// <summary>What to run for a <see cref="CommandKind.Start"/> command.</summary>
public sealed record StartSpec
{
    public required string InstanceId { get; init; }
    public required string ComponentId { get; init; }
    public string? WorkflowRunId { get; init; }
    /// <summary>An absolute path; it must be on the agent's allow-list.</summary>
    public required string Executable { get; init; }
    // A property missing from the JSON reaches init as null (the source generator does not keep initializers,
    // dotnet/runtime#84484); the default stands instead. An explicit null is refused by RespectNullableAnnotations.
    public IReadOnlyList<string> Args { get; init => field = value ?? []; } = [];
    public IReadOnlyDictionary<string, string> Env { get; init => field = value ?? new Dictionary<string, string>(); } = new Dictionary<string, string>();
    public string? WorkingDirectory { get; init; }
    public required InstanceLimits Limits { get; init; }
    /// <summary>Time between SIGTERM and SIGKILL when the instance is stopped.</summary>
    // A settable property, not init: the source generator assigns every init property of a record with required
    // members in its object initializer, absent ones as default(T) (0 / false), which an absent field must not get.
    public int GracePeriodMs { get; set; } = 10_000;
    /// <summary>Run in its own network namespace with a veth pair, so its traffic is measured and can be capped.</summary>
    public bool NetworkIsolation { get; init; }
}
