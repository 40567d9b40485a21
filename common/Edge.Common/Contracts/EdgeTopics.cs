using System.Diagnostics.CodeAnalysis;

namespace Edge.Common.Contracts;

/// <summary>
/// The MQTT topic tree of docs/design.md under a configurable prefix (default <c>edge</c>):
/// <c>{prefix}/v1/nodes/{node}/{status|metrics|events|commands|output}</c>, <c>{prefix}/v1/workflows/submit</c>,
/// <c>{prefix}/v1/workflows/{run}/status</c>, <c>{prefix}/v1/components/{component}/prediction</c>,
/// <c>{prefix}/v1/decisions</c>, <c>{prefix}/v1/signals</c> (announced work).
/// </summary>
public sealed class EdgeTopics
{
    public const string DefaultPrefix = "edge";

    public EdgeTopics(string prefix = DefaultPrefix)
    {
        if (string.IsNullOrWhiteSpace(prefix) || prefix.AsSpan().IndexOfAny("+#") >= 0 || prefix.StartsWith('/') || prefix.EndsWith('/'))
        {
            throw new ArgumentException($"MQTT topic prefix '{prefix}' must be non-empty, without '+', '#' or a leading or trailing '/'", nameof(prefix));
        }

        Prefix = prefix;
        Root = prefix + "/v1";
    }

    public string Prefix { get; }

    /// <summary><c>{prefix}/v1</c>.</summary>
    public string Root { get; }

    public string NodeStatus(string node) => NodeTopic(node, NodeTopicKind.Status);
    public string NodeMetrics(string node) => NodeTopic(node, NodeTopicKind.Metrics);
    public string NodeEvents(string node) => NodeTopic(node, NodeTopicKind.Events);
    public string NodeCommands(string node) => NodeTopic(node, NodeTopicKind.Commands);
    public string NodeOutput(string node) => NodeTopic(node, NodeTopicKind.Output);

    /// <summary>Everything one node may publish or read lives under this: <c>{prefix}/v1/nodes/{node}/</c>.</summary>
    public string NodeRoot(string node) => $"{Root}/nodes/{Segment(node)}/";

    public string WorkflowSubmit => $"{Root}/workflows/submit";
    public string WorkflowStatus(string run) => $"{Root}/workflows/{Segment(run)}/status";
    public string ComponentPrediction(string component) => $"{Root}/components/{EscapeComponent(component)}/prediction";
    public string Decisions => $"{Root}/decisions";

    /// <summary>Where integrations announce upcoming work (<see cref="WorkAnnouncement"/>).</summary>
    public string Signals => $"{Root}/signals";

    /// <summary>Filter matching one kind of topic on every node, e.g. <c>edge/v1/nodes/+/metrics</c>.</summary>
    public string AllNodes(NodeTopicKind kind) => $"{Root}/nodes/+/{KindName(kind)}";

    public string NodeTopic(string node, NodeTopicKind kind) => $"{Root}/nodes/{Segment(node)}/{KindName(kind)}";

    /// <summary>Splits <c>{prefix}/v1/nodes/{node}/{kind}</c>; false for any other topic.</summary>
    public bool TryParseNodeTopic(string topic, [NotNullWhen(true)] out string? node, out NodeTopicKind kind)
    {
        node = null;
        kind = default;
        var head = Root + "/nodes/";
        if (!topic.StartsWith(head, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic.AsSpan(head.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var kindName = rest[(slash + 1)..];
        NodeTopicKind? parsed = kindName switch
        {
            "status" => NodeTopicKind.Status,
            "metrics" => NodeTopicKind.Metrics,
            "events" => NodeTopicKind.Events,
            "commands" => NodeTopicKind.Commands,
            "output" => NodeTopicKind.Output,
            _ => null,
        };
        if (parsed is null)
        {
            return false;
        }

        node = rest[..slash].ToString();
        kind = parsed.Value;
        return IdValidator.IsValidSegment(node, out _);
    }

    /// <summary>Component ids may contain '/', which is escaped as "%2F" so the id stays one topic level.</summary>
    public static string EscapeComponent(string component)
    {
        if (!IdValidator.IsValidComponentId(component, out var error))
        {
            throw new ArgumentException(error, nameof(component));
        }

        return component.Replace("/", "%2F", StringComparison.Ordinal);
    }

    public static string UnescapeComponent(string segment) => segment.Replace("%2F", "/", StringComparison.Ordinal);

    private static string Segment(string id) =>
        IdValidator.IsValidSegment(id, out var error) ? id : throw new ArgumentException(error, nameof(id));

    private static string KindName(NodeTopicKind kind) => kind switch
    {
        NodeTopicKind.Status => "status",
        NodeTopicKind.Metrics => "metrics",
        NodeTopicKind.Events => "events",
        NodeTopicKind.Commands => "commands",
        NodeTopicKind.Output => "output",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown node topic kind"),
    };
}
