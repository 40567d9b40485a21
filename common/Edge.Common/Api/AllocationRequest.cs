using Edge.Common.Contracts;

namespace Edge.Common.Api;

/// <summary>
/// A request to reserve resources for one instance of a component: the body of <c>POST /api/allocations</c> and
/// the argument of the controller's <c>Allocator.AllocateAsync</c>. The profile comes from its <c>IProfileSource</c>.
/// </summary>
public sealed record AllocationRequest
{
    /// <summary>The component to run, e.g. <c>etl/transform</c>.</summary>
    public required string ComponentId { get; init; }

    /// <summary>The workflow run the instance belongs to, if any; anti-affinity groups by it.</summary>
    public string? WorkflowRunId { get; init; }

    /// <summary>Higher is served first from the queue.</summary>
    public int Priority { get; init; }

    /// <summary>Node labels the node must carry, key and value.</summary>
    public IReadOnlyDictionary<string, string>? RequiredLabels { get; init; }

    /// <summary>When true (and a workflow run is set), never place on a node that already hosts the same run.</summary>
    public bool AntiAffinity { get; init; }

    /// <summary>Free-form hints passed to the profile source (e.g. input size).</summary>
    public IReadOnlyDictionary<string, string>? Hints { get; init; }

    /// <summary>How long the request may wait in the queue; the broker's default when null.</summary>
    public double? QueueTimeoutSeconds { get; init; }

    /// <summary>Tiers to place on first; the broker's primary tiers when null.</summary>
    public IReadOnlyList<PricingTier>? Tiers { get; init; }

    /// <summary>What the agent starts. When null the broker only reserves and the caller starts the work itself.</summary>
    public string? Executable { get; init; }

    public IReadOnlyList<string>? Args { get; init; }

    public IReadOnlyDictionary<string, string>? Env { get; init; }

    /// <summary>
    /// Whether the instance may be moved to another node (stopped here and started there) when its node has no room
    /// to scale it up; false for steps that keep state on their node.
    /// </summary>
    /// <remarks>
    /// Settable rather than init-only: for a type with init-only members System.Text.Json's source generator builds
    /// the object in one initializer and assigns every init-only property, so an omitted <c>migratable</c> became
    /// false instead of this default (AllocationEndpointsTests checks it).
    /// </remarks>
    public bool Migratable { get; set; } = true;
}
