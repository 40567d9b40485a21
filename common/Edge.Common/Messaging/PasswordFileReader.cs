using System.Text.Json;

namespace Edge.Common.Messaging;

/// <summary>Reads an MQTT password from a file: plain text, or the controller's <c>credentials.json</c>.</summary>
public static class PasswordFileReader
{
    /// <summary>The password for <paramref name="username"/>; throws <see cref="InvalidDataException"/> naming the file when it has none.</summary>
    public static string Read(string path, string? username)
    {
        var text = File.ReadAllText(path).Trim();
        if (!text.StartsWith('{'))
        {
            return text.Length > 0 ? text : throw new InvalidDataException($"password file '{path}' is empty");
        }

        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        if (username is not null && root.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Object &&
            nodes.TryGetProperty(username, out var password) && password.ValueKind == JsonValueKind.String)
        {
            return password.GetString()!;
        }

        if (root.TryGetProperty("controller", out var controller) && controller.TryGetProperty("username", out var user) &&
            user.GetString() == username && controller.TryGetProperty("password", out var controllerPassword))
        {
            return controllerPassword.GetString() ?? "";
        }

        throw new InvalidDataException($"credentials file '{path}' has no password for user '{username}'");
    }
}
