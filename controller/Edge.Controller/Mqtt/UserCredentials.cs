namespace Edge.Controller.Mqtt;

/// <summary>An MQTT username and password.</summary>
internal sealed record UserCredentials(string Username, string Password);
