namespace Edge.Agent.Publishing;

/// <summary>A wire message encoded for one topic.</summary>
internal readonly record struct EncodedMessage(string Topic, byte[] Payload);
