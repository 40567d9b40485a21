using System.Buffers;

namespace Edge.Common.Messaging;

/// <summary>A message delivered to a subscriber. The payload is only valid during the handler call.</summary>
public readonly record struct MqttIncoming(string Topic, ReadOnlySequence<byte> Payload, bool Retained);
