using Edge.Common.Contracts;
using Edge.Controller.Mqtt;

namespace Edge.Controller.Tests.Mqtt;

public sealed class TopicAclTests
{
    private static readonly EdgeTopics Topics = new();

    private static TopicAcl Acl() => new(Topics, new BrokerCredentials(
        new UserCredentials("edge-controller", "c"),
        new Dictionary<string, string> { ["node-a"] = "a" },
        new Dictionary<string, string> { ["ci"] = "s" }));

    [Fact]
    public void Submitter_MayOnlySubmitWorkflows()
    {
        var acl = Acl();
        Assert.True(acl.MayPublish("ci", Topics.WorkflowSubmit));
        Assert.True(acl.MayPublish("ci", Topics.Signals));
        Assert.False(acl.MayPublish("node-a", Topics.Signals));
        Assert.False(acl.MayPublish(null, Topics.Signals));
        Assert.False(acl.MayPublish("ci", Topics.NodeStatus("ci")));
        Assert.False(acl.MayPublish("ci", Topics.NodeEvents("node-a")));
        Assert.False(acl.MayPublish("ci", Topics.Decisions));
        Assert.False(acl.MayPublish("ci", Topics.WorkflowStatus("run-1")));
    }

    [Theory]
    [InlineData("edge/v1/workflows/+/status", true)]
    [InlineData("edge/v1/workflows/run-1/status", true)]
    [InlineData("edge/v1/workflows/status", false)]
    [InlineData("edge/v1/workflows/#", false)]
    [InlineData("edge/v1/workflows/a/b/status", false)]
    [InlineData("edge/v1/nodes/node-a/commands", false)]
    [InlineData("#", false)]
    public void Submitter_MaySubscribeOnlyToRunStatus(string filter, bool allowed) =>
        Assert.Equal(allowed, Acl().MaySubscribe("ci", filter));

    [Fact]
    public void Node_IsNotASubmitter()
    {
        var acl = Acl();
        Assert.False(acl.MayPublish("node-a", Topics.WorkflowSubmit));
        Assert.True(acl.MayPublish("node-a", Topics.NodeStatus("node-a")));
    }

    [Fact]
    public void Node_MayPublishItsOwnOutputAnswersOnly()
    {
        var acl = Acl();
        Assert.True(acl.MayPublish("node-a", Topics.NodeOutput("node-a")));
        Assert.False(acl.MayPublish("node-a", Topics.NodeOutput("node-b")));
        Assert.False(acl.MayPublish("ci", Topics.NodeOutput("node-a")));
        Assert.False(acl.MaySubscribe("node-a", Topics.NodeOutput("node-a")));
        Assert.False(acl.MaySubscribe("node-a", Topics.AllNodes(NodeTopicKind.Output)));
        Assert.True(acl.MaySubscribe("edge-controller", Topics.AllNodes(NodeTopicKind.Output)));
    }
}
