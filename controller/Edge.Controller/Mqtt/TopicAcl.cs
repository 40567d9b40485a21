using Edge.Common.Contracts;

namespace Edge.Controller.Mqtt;

/// <summary>
/// Per-user topic permissions of the embedded broker (DESIGN.md): the controller may do anything; a node
/// (username = node id) may publish only to its own <c>status</c>, <c>metrics</c>, <c>events</c> and <c>output</c> topics and
/// subscribe only to its own <c>commands</c> topic (exactly, no wildcards); a submitter may publish only on
/// <c>workflows/submit</c> and <c>signals</c> (announced work) and subscribe only to run status (<c>workflows/+/status</c> or one run's).
/// </summary>
internal sealed class TopicAcl
{
    private readonly EdgeTopics _topics;
    private readonly BrokerCredentials _credentials;

    public TopicAcl(EdgeTopics topics, BrokerCredentials credentials)
    {
        _topics = topics;
        _credentials = credentials;
    }

    public bool MayPublish(string? username, string topic)
    {
        if (_credentials.IsController(username))
        {
            return true;
        }

        if (_credentials.IsSubmitter(username))
        {
            return topic == _topics.WorkflowSubmit || topic == _topics.Signals;
        }

        return username is not null
            && _topics.TryParseNodeTopic(topic, out var node, out var kind)
            && node == username
            && kind is NodeTopicKind.Status or NodeTopicKind.Metrics or NodeTopicKind.Events or NodeTopicKind.Output;
    }

    public bool MaySubscribe(string? username, string filter)
    {
        if (_credentials.IsController(username))
        {
            return true;
        }

        if (_credentials.IsSubmitter(username))
        {
            const string Suffix = "/status";
            var prefix = $"{_topics.Root}/workflows/";
            return filter.Length > prefix.Length + Suffix.Length
                && filter.StartsWith(prefix, StringComparison.Ordinal) && filter.EndsWith(Suffix, StringComparison.Ordinal)
                && filter[prefix.Length..^Suffix.Length] is var run && (run == "+" || IdValidator.IsValidSegment(run, out _));
        }

        return username is not null
            && IdValidator.IsValidSegment(username, out _)
            && filter == _topics.NodeCommands(username);
    }
}
