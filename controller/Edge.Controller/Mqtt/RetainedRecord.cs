namespace Edge.Controller.Mqtt;

/// <summary>A retained message as persisted in <c>{DataDirectory}/broker/retained.json</c>.</summary>
internal sealed record RetainedRecord(string Topic, byte[] Payload, int Qos, string? ContentType);
