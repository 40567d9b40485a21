using System.Text;
using System.Text.RegularExpressions;
using Edge.Common.Contracts;

namespace Edge.Common.Tests.Contracts;

/// <summary>Every example payload in docs/protocol.md decodes with the shared contract, so the doc cannot drift.</summary>
public sealed partial class ProtocolDocTests
{
    [Fact]
    public void ProtocolDoc_EveryExample_DecodesAsItsType()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "protocol.md"));
        var examples = ExampleBlock().Matches(doc);
        var ctx = EdgeJsonContext.Default;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (Match example in examples)
        {
            var type = example.Groups["type"].Value;
            var bytes = Encoding.UTF8.GetBytes(example.Groups["json"].Value);
            string? error = type switch
            {
                nameof(NodeStatus) => PayloadCodec.Decode(bytes, ctx.NodeStatus).Message,
                nameof(MetricBatch) => PayloadCodec.Decode(bytes, ctx.MetricBatch).Message,
                nameof(NodeEvent) => PayloadCodec.Decode(bytes, ctx.NodeEvent).Message,
                nameof(NodeCommand) => PayloadCodec.Decode(bytes, ctx.NodeCommand).Message,
                nameof(WorkflowSubmission) => PayloadCodec.Decode(bytes, ctx.WorkflowSubmission).Message,
                nameof(WorkflowRunStatus) => PayloadCodec.Decode(bytes, ctx.WorkflowRunStatus).Message,
                nameof(PredictionProfile) => PayloadCodec.Decode(bytes, ctx.PredictionProfile).Message,
                nameof(Decision) => PayloadCodec.Decode(bytes, ctx.Decision).Message,
                nameof(ResourceDefinition) => PayloadCodec.Decode(bytes, ctx.ResourceDefinition).Message,
                nameof(OutputChunk) => PayloadCodec.Decode(bytes, ctx.OutputChunk).Message,
                nameof(WorkAnnouncement) => PayloadCodec.Decode(bytes, ctx.WorkAnnouncement).Message,
                _ => $"unknown type '{type}' in docs/protocol.md",
            };
            Assert.True(error is null, $"{type} example: {error}");
            seen.Add(type);
        }

        Assert.Equal(11, seen.Count);
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Edge.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("```json (?<type>\\w+)\\n(?<json>.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();
}
