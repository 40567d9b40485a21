namespace Edge.Common.Messaging;

/// <summary>The message the broker publishes for a client that vanishes without disconnecting.</summary>
public sealed record MqttWill(string Topic, byte[] Payload, bool Retain = true);
