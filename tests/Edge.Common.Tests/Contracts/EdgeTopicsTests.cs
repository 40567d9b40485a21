using Edge.Common.Contracts;

namespace Edge.Common.Tests.Contracts;

public sealed class EdgeTopicsTests
{
    private readonly EdgeTopics _topics = new();

    [Fact]
    public void NodeTopics_FollowTheDesignContract()
    {
        Assert.Equal("edge/v1/nodes/n1/status", _topics.NodeStatus("n1"));
        Assert.Equal("edge/v1/nodes/n1/metrics", _topics.NodeMetrics("n1"));
        Assert.Equal("edge/v1/nodes/n1/events", _topics.NodeEvents("n1"));
        Assert.Equal("edge/v1/nodes/n1/commands", _topics.NodeCommands("n1"));
        Assert.Equal("edge/v1/workflows/submit", _topics.WorkflowSubmit);
        Assert.Equal("edge/v1/workflows/r1/status", _topics.WorkflowStatus("r1"));
        Assert.Equal("edge/v1/decisions", _topics.Decisions);
        Assert.Equal("edge/v1/nodes/+/metrics", _topics.AllNodes(NodeTopicKind.Metrics));
    }

    [Fact]
    public void ComponentPrediction_SlashInId_IsEscapedToOneLevel()
    {
        var topic = _topics.ComponentPrediction("etl/transform");

        Assert.Equal("edge/v1/components/etl%2Ftransform/prediction", topic);
        Assert.Equal("etl/transform", EdgeTopics.UnescapeComponent("etl%2Ftransform"));
    }

    [Theory]
    [InlineData("a+b")]
    [InlineData("a#")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("with space")]
    public void NodeStatus_InvalidSegment_ThrowsNamingTheId(string id)
    {
        var ex = Assert.Throws<ArgumentException>(() => _topics.NodeStatus(id));

        Assert.Contains(id.Length == 0 ? "empty" : id, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdValidator_TooLong_IsRejected()
    {
        Assert.False(IdValidator.IsValidSegment(new string('x', IdValidator.MaxLength + 1), out var error));
        Assert.Contains("more than", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edge/v1/nodes/n1/metrics", true, "n1", NodeTopicKind.Metrics)]
    [InlineData("edge/v1/nodes/n-2/commands", true, "n-2", NodeTopicKind.Commands)]
    [InlineData("edge/v1/nodes/n1/other", false, null, NodeTopicKind.Status)]
    [InlineData("edge/v1/nodes/n1/metrics/extra", false, null, NodeTopicKind.Status)]
    [InlineData("other/v1/nodes/n1/metrics", false, null, NodeTopicKind.Status)]
    [InlineData("edge/v1/nodes//metrics", false, null, NodeTopicKind.Status)]
    public void TryParseNodeTopic_Topics_ParseOnlyNodeTopics(string topic, bool ok, string? node, NodeTopicKind kind)
    {
        Assert.Equal(ok, _topics.TryParseNodeTopic(topic, out var parsedNode, out var parsedKind));
        if (ok)
        {
            Assert.Equal(node, parsedNode);
            Assert.Equal(kind, parsedKind);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/#")]
    [InlineData("/edge")]
    public void Constructor_BadPrefix_Throws(string prefix) =>
        Assert.Throws<ArgumentException>(() => new EdgeTopics(prefix));

    [Fact]
    public void CustomPrefix_IsUsedEverywhere()
    {
        var topics = new EdgeTopics("site1/edge");

        Assert.Equal("site1/edge/v1/nodes/n1/status", topics.NodeStatus("n1"));
        Assert.True(topics.TryParseNodeTopic("site1/edge/v1/nodes/n1/events", out var node, out var kind));
        Assert.Equal("n1", node);
        Assert.Equal(NodeTopicKind.Events, kind);
    }
}
