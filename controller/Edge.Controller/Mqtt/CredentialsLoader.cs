using System.Security.Cryptography;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Options;

namespace Edge.Controller.Mqtt;

/// <summary>
/// Builds <see cref="BrokerCredentials"/> from configuration and <c>credentials.json</c>. In one-machine mode
/// (<see cref="BrokerOptions.GenerateCredentials"/>) it generates random passwords for the controller and the
/// local node ids that lack one and rewrites the file with mode 0600. Passwords are never logged.
/// </summary>
internal static class CredentialsLoader
{
    public const string FileName = "credentials.json";

    public static BrokerCredentials Load(ControllerOptions options, string hostName)
    {
        var broker = options.Broker;
        var path = Path.Combine(Path.GetFullPath(options.DataDirectory), FileName);
        var file = File.Exists(path) ? Read(path) : new CredentialsFile();
        if (broker.GenerateCredentials)
        {
            var updated = WithGenerated(file, broker, hostName);
            if (!ReferenceEquals(updated, file) || !File.Exists(path))
            {
                Write(path, updated);
            }

            file = updated;
        }

        var controllerPassword = broker.ControllerPassword ?? file.Controller?.Password
            ?? throw new InvalidOperationException(
                $"the embedded broker needs a password for the controller user '{broker.ControllerUsername}': set Controller:Broker:ControllerPassword, add it to {path}, or enable Controller:Broker:GenerateCredentials");
        var nodes = new Dictionary<string, string>(file.Nodes, StringComparer.Ordinal);
        foreach (var (node, password) in broker.Nodes)
        {
            nodes[node] = password;
        }

        nodes.Remove(broker.ControllerUsername);
        var submitters = new Dictionary<string, string>(file.Submitters, StringComparer.Ordinal);
        foreach (var (user, password) in broker.Submitters)
        {
            submitters[user] = password;
        }

        foreach (var user in submitters.Keys)
        {
            if (user == broker.ControllerUsername || nodes.ContainsKey(user))
            {
                throw new InvalidOperationException($"submitter '{user}' is also the controller's or a node's username; give integrations their own names");
            }
        }

        return new BrokerCredentials(new UserCredentials(broker.ControllerUsername, controllerPassword), nodes, submitters);
    }

    /// <summary>The node ids that get generated passwords: the configured list, or this host's name.</summary>
    public static IReadOnlyList<string> LocalNodes(BrokerOptions broker, string hostName) =>
        broker.LocalNodes.Count > 0 ? broker.LocalNodes : [hostName];

    private static CredentialsFile WithGenerated(CredentialsFile file, BrokerOptions broker, string hostName)
    {
        var changed = false;
        var controller = file.Controller;
        if (controller is null || controller.Username != broker.ControllerUsername)
        {
            controller = new UserCredentials(broker.ControllerUsername, NewPassword());
            changed = true;
        }

        var nodes = new Dictionary<string, string>(file.Nodes, StringComparer.Ordinal);
        foreach (var node in LocalNodes(broker, hostName))
        {
            if (!IdValidator.IsValidSegment(node, out var error))
            {
                throw new InvalidOperationException($"local node id '{node}' cannot be an MQTT username: {error}; set Controller:Broker:LocalNodes");
            }

            if (!nodes.ContainsKey(node))
            {
                nodes[node] = NewPassword();
                changed = true;
            }
        }

        return changed ? file with { Controller = controller, Nodes = nodes } : file;
    }

    private static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static CredentialsFile Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, MqttJsonContext.Default.CredentialsFile)
                ?? throw new InvalidOperationException($"credentials file {path} holds JSON null");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"credentials file {path} is not valid JSON: {ex.Message}", ex);
        }
    }

    private static void Write(string path, CredentialsFile file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Only the owner (the controller, and root for the local agent) may read the passwords.
        Security.PrivateFiles.WriteAtomic(path, JsonSerializer.SerializeToUtf8Bytes(file, MqttJsonContext.Default.CredentialsFile));
    }
}
