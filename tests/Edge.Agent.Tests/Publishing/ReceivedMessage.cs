namespace Edge.Agent.Tests.Publishing;

/// <summary>A publish the test broker received.</summary>
internal sealed record ReceivedMessage(string ClientId, string Topic, byte[] Payload, bool Retain);
