namespace Edge.Ctl.Api;

/// <summary>The controller refused the token (401) or its role (403); the message names the token's source.</summary>
internal sealed class ApiAuthException(string message) : HttpRequestException(message);
