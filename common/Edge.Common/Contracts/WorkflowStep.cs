namespace Edge.Common.Contracts;

/// <summary>One step of a submitted workflow DAG.</summary>
public sealed record WorkflowStep
{
    /// <summary>Unique within the workflow; used by <see cref="DependsOn"/>.</summary>
    public required string Id { get; init; }
    /// <summary>The component this step runs; history and forecasts are kept per component.</summary>
    public required string ComponentId { get; init; }
    public required string Command { get; init; }
    // A property missing from the JSON reaches init as null (the source generator does not keep initializers,
    // dotnet/runtime#84484); the default stands instead. An explicit null is refused by RespectNullableAnnotations.
    public IReadOnlyList<string> Args { get; init => field = value ?? []; } = [];
    public IReadOnlyDictionary<string, string> Env { get; init => field = value ?? new Dictionary<string, string>(); } = new Dictionary<string, string>();
    public IReadOnlyList<string> DependsOn { get; init => field = value ?? []; } = [];
    /// <summary>Optional hints: input size, node labels, a profile to start from.</summary>
    public IReadOnlyDictionary<string, string> Hints { get; init => field = value ?? new Dictionary<string, string>(); } = new Dictionary<string, string>();
    // A settable property, not init: the source generator assigns every init property of a record with required
    // members in its object initializer, absent ones as default(T) (0 / false), which an absent field must not get.
    public bool Migratable { get; set; } = true;
}
