using Edge.Controller.Options;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Leadership;

/// <summary>Checks <see cref="ClusterOptions"/> at start; every error names its key and value.</summary>
internal sealed class ClusterOptionsValidator(IOptions<ControllerOptions> controller) : IValidateOptions<ClusterOptions>
{
    private const string S = ClusterOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = Check(options, controller.Value.External is not null);
        if (controller.Value.External is { } external && (external.ClientId.Length == 0 || external.ClientId == Mqtt.ClientIdPolicy.ControllerClientId))
        {
            errors.Add($"Controller:External:ClientId '{external.ClientId}' must be unique per controller in cluster mode (e.g. edge-controller-{options.MemberId}); controllers sharing one client id take each other's MQTT session over");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static List<string> Check(ClusterOptions options, bool hasExternalBroker)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Etcd.Length; i++)
        {
            if (EtcdEndpoint.Parse(options.Etcd[i], options.AllowPlaintext, out var error) is null)
            {
                errors.Add($"{S}:Etcd:{i}: {error}");
            }
        }

        if (string.IsNullOrWhiteSpace(options.MemberId) || options.MemberId.Length > 128 || options.MemberId.Any(c => char.IsControl(c) || c == '|'))
        {
            errors.Add($"{S}:MemberId '{options.MemberId}' must be 1-128 printable characters without '|'");
        }

        if (!options.KeyPrefix.StartsWith('/') || options.KeyPrefix.TrimEnd('/').Length == 0)
        {
            errors.Add($"{S}:KeyPrefix '{options.KeyPrefix}' must start with '/' and name something");
        }

        if (options.AdvertiseUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            errors.Add($"{S}:AdvertiseUrl '{url}' is not an http(s) URL");
        }

        if (options.LeaseTtl < TimeSpan.FromSeconds(2) || options.LeaseTtl > TimeSpan.FromMinutes(10) || options.LeaseTtl.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add($"{S}:LeaseTtl '{options.LeaseTtl}' must be whole seconds between 00:00:02 and 00:10:00 (etcd leases have second granularity)");
        }

        if (options.KeepAliveInterval <= TimeSpan.Zero || options.KeepAliveInterval >= options.RenewDeadline)
        {
            errors.Add($"{S}:KeepAliveInterval '{options.KeepAliveInterval}' must be positive and shorter than RenewDeadline '{options.RenewDeadline}'");
        }

        if (options.RenewDeadline > options.LeaseTtl - ClusterOptions.MinimumSafetyMargin)
        {
            errors.Add($"{S}:RenewDeadline '{options.RenewDeadline}' must be at most LeaseTtl '{options.LeaseTtl}' minus {ClusterOptions.MinimumSafetyMargin.TotalSeconds} s, so a cut-off leader stops before its lease can expire on the server");
        }

        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > options.RenewDeadline)
        {
            errors.Add($"{S}:RequestTimeout '{options.RequestTimeout}' must be positive and at most RenewDeadline '{options.RenewDeadline}'");
        }

        if (options.RetryPeriod <= TimeSpan.Zero)
        {
            errors.Add($"{S}:RetryPeriod '{options.RetryPeriod}' must be positive");
        }

        if (string.IsNullOrEmpty(options.Username) != string.IsNullOrEmpty(options.PasswordFile))
        {
            errors.Add($"{S}:Username '{options.Username}' and PasswordFile '{options.PasswordFile}' go together");
        }

        foreach (var (key, path) in new[] { ("PasswordFile", options.PasswordFile), ("CaCertificateFile", options.CaCertificateFile), ("ClientCertificateFile", options.ClientCertificateFile), ("ClientKeyFile", options.ClientKeyFile) })
        {
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                errors.Add($"{S}:{key} '{path}' does not exist");
            }
        }

        if (string.IsNullOrEmpty(options.ClientCertificateFile) != string.IsNullOrEmpty(options.ClientKeyFile))
        {
            errors.Add($"{S}:ClientCertificateFile '{options.ClientCertificateFile}' and ClientKeyFile '{options.ClientKeyFile}' go together");
        }

        if (!hasExternalBroker)
        {
            errors.Add($"{S}: cluster mode needs an external MQTT broker that every controller shares; set Controller:External:BrokerUrl (or BrokerUrls)");
        }

        return errors;
    }
}

/// <summary>One etcd client URL, checked.</summary>
internal sealed record EtcdEndpoint(string Host, int Port, bool Tls)
{
    public static EtcdEndpoint? Parse(string? url, bool allowPlaintext, out string? error)
    {
        error = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Port <= 0 || uri.AbsolutePath is not ("/" or ""))
        {
            error = $"'{url}' is not an etcd client URL (http://host:port or https://host:port)";
            return null;
        }

        var tls = uri.Scheme == "https";
        if (!tls && !allowPlaintext && !uri.IsLoopback)
        {
            error = $"'{url}' is plaintext to a non-loopback host (the lease, keys and credentials would travel in clear); use https:// with CaCertificateFile, or set Controller:Cluster:AllowPlaintext=true";
            return null;
        }

        return new EtcdEndpoint(uri.IdnHost, uri.Port, tls);
    }
}
