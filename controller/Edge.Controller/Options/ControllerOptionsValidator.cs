using System.Net;
using System.Numerics;
using Edge.Common.Contracts;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Options;

/// <summary>Checks <see cref="ControllerOptions"/> at start and reports every error at once, each naming its key and value.</summary>
internal sealed class ControllerOptionsValidator : IValidateOptions<ControllerOptions>
{
    private const string S = ControllerOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ControllerOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add($"{S}:DataDirectory must not be empty");
        }

        try
        {
            _ = new EdgeTopics(options.TopicPrefix);
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{S}:TopicPrefix: {ex.Message}");
        }

        ValidateHttp(options.Http, errors);
        ValidateBroker(options.Broker, errors);
        if (options.External is { } external)
        {
            if (!external.TryParseBroker(out _, out _, out _, out var error))
            {
                errors.Add($"{S}:External:BrokerUrl: {error}");
            }
            else if (external.PlaintextError() is { } plaintext)
            {
                errors.Add($"{S}:External:BrokerUrl: {plaintext}; set Controller:External:AllowPlaintext=true to accept that");
            }

            foreach (var urlError in external.BrokerUrls.Length > 0 ? (external with { BrokerUrl = external.BrokerUrls[0] }).BrokerUrlErrors() : [])
            {
                errors.Add($"{S}:External:BrokerUrls: {urlError}");
            }

            if (external.ClientId.Length > 0 && !IdValidator.IsValidSegment(external.ClientId, out var idError))
            {
                errors.Add($"{S}:External:ClientId: {idError}");
            }
        }

        Positive(options.Ingest.ChannelCapacity, "Ingest:ChannelCapacity", errors);
        Positive(options.Ingest.MaxPayloadBytes, "Ingest:MaxPayloadBytes", errors);
        ValidateHistory(options.History, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateHttp(HttpOptions http, List<string> errors)
    {
        for (var i = 0; i < http.Urls.Count; i++)
        {
            var url = http.Urls[i];
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{S}:Http:Urls:{i} '{url}' is not an http:// or https:// URL");
            }
            else if (uri.Scheme == Uri.UriSchemeHttp && !http.AllowPlaintext && !IsLoopback(uri))
            {
                errors.Add($"{S}:Http:Urls:{i} '{url}' is plaintext HTTP on a non-loopback address: tokens and workflow environments would cross the network in clear; use https:// with a Kestrel certificate, bind to 127.0.0.1, or set {S}:Http:AllowPlaintext=true");
            }
        }

        if (http.MaxRequestBodyBytes is < 1024 or > 1L << 30)
        {
            errors.Add($"{S}:Http:MaxRequestBodyBytes '{http.MaxRequestBodyBytes}' must be between 1024 and {1L << 30}");
        }

        if (http.TokenRefreshPeriod < TimeSpan.FromMilliseconds(100) || http.TokenRefreshPeriod > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{S}:Http:TokenRefreshPeriod '{http.TokenRefreshPeriod}' must be between 00:00:00.100 and 00:01:00");
        }

        if (http.TokenMaxStaleness < 2 * http.TokenRefreshPeriod || http.TokenMaxStaleness > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{S}:Http:TokenMaxStaleness '{http.TokenMaxStaleness}' must be at least twice {S}:Http:TokenRefreshPeriod ('{http.TokenRefreshPeriod}') and at most 00:10:00");
        }

        foreach (var (tokenName, token) in http.Tokens)
        {
            if (!IdValidator.IsValidSegment(tokenName, out var tokenError))
            {
                errors.Add($"{S}:Http:Tokens:{tokenName}: {tokenError}");
            }

            if (!Security.ApiRoles.TryParse(token.Role, out _))
            {
                errors.Add($"{S}:Http:Tokens:{tokenName}:Role '{token.Role}' is not one of {string.Join(", ", Security.ApiRoles.Names)}");
            }

            if (token.Sha256.Length != 64 || !token.Sha256.All(char.IsAsciiHexDigit))
            {
                errors.Add($"{S}:Http:Tokens:{tokenName}:Sha256 must be 64 hex digits (the SHA-256 of the token's UTF-8 text), not a token");
            }
        }

        for (var i = 0; i < http.AllowedHosts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(http.AllowedHosts[i]) || http.AllowedHosts[i].Contains('/', StringComparison.Ordinal))
            {
                errors.Add($"{S}:Http:AllowedHosts:{i} '{http.AllowedHosts[i]}' is not a host name");
            }
        }

        if (http.MaxQueryRange <= TimeSpan.Zero)
        {
            errors.Add($"{S}:Http:MaxQueryRange '{http.MaxQueryRange}' must be positive");
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static void ValidateBroker(BrokerOptions broker, List<string> errors)
    {
        Port(broker.Port, "Broker:Port", errors);
        if (!IPAddress.TryParse(broker.BindAddress, out var bind))
        {
            errors.Add($"{S}:Broker:BindAddress '{broker.BindAddress}' is not an IP address");
        }
        else if (!IPAddress.IsLoopback(bind) && !broker.AllowPlaintext)
        {
            errors.Add($"{S}:Broker:BindAddress '{broker.BindAddress}' is not a loopback address: the plaintext endpoint would send passwords and commands in clear; remote agents use the TLS endpoint (Controller:Broker:Tls), or set Controller:Broker:AllowPlaintext=true");
        }

        Positive(broker.MaxPendingMessagesPerClient, "Broker:MaxPendingMessagesPerClient", errors);
        Positive(broker.MaxConnectPacketBytes, "Broker:MaxConnectPacketBytes", errors);
        Positive(broker.MaxPayloadBytes, "Broker:MaxPayloadBytes", errors);
        Positive(broker.PublishBurst, "Broker:PublishBurst", errors);
        if (broker.MaxPayloadBytes > 256 << 20)
        {
            errors.Add($"{S}:Broker:MaxPayloadBytes '{broker.MaxPayloadBytes}' must be at most {256 << 20} (the MQTT limit)");
        }

        if (broker.MaxPendingBytesPerClient < broker.MaxPayloadBytes)
        {
            errors.Add($"{S}:Broker:MaxPendingBytesPerClient '{broker.MaxPendingBytesPerClient}' must hold at least one message of Broker:MaxPayloadBytes '{broker.MaxPayloadBytes}'");
        }

        if (!(broker.MaxPublishesPerSecond > 0) || double.IsInfinity(broker.MaxPublishesPerSecond))
        {
            errors.Add($"{S}:Broker:MaxPublishesPerSecond '{broker.MaxPublishesPerSecond}' must be a positive number");
        }

        if (broker.MaxPublishBytesPerSecond <= 0)
        {
            errors.Add($"{S}:Broker:MaxPublishBytesPerSecond '{broker.MaxPublishBytesPerSecond}' must be positive");
        }

        if (broker.PublishBytesBurst < broker.MaxPayloadBytes)
        {
            errors.Add($"{S}:Broker:PublishBytesBurst '{broker.PublishBytesBurst}' must hold at least one message of Broker:MaxPayloadBytes '{broker.MaxPayloadBytes}'");
        }

        if (broker.ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{S}:Broker:ConnectTimeout '{broker.ConnectTimeout}' must be positive");
        }

        if (!IdValidator.IsValidSegment(broker.ControllerUsername, out var userError))
        {
            errors.Add($"{S}:Broker:ControllerUsername: {userError}");
        }

        foreach (var (node, password) in broker.Nodes)
        {
            if (!IdValidator.IsValidSegment(node, out var nodeError))
            {
                errors.Add($"{S}:Broker:Nodes:{node}: {nodeError}");
            }
            else if (node == broker.ControllerUsername)
            {
                errors.Add($"{S}:Broker:Nodes:{node} has the controller's username");
            }

            if (string.IsNullOrEmpty(password))
            {
                errors.Add($"{S}:Broker:Nodes:{node} has an empty password");
            }
        }

        for (var i = 0; i < broker.LocalNodes.Count; i++)
        {
            if (!IdValidator.IsValidSegment(broker.LocalNodes[i], out var localError))
            {
                errors.Add($"{S}:Broker:LocalNodes:{i}: {localError}");
            }
        }

        if (broker.RetainedFlushInterval <= TimeSpan.Zero)
        {
            errors.Add($"{S}:Broker:RetainedFlushInterval '{broker.RetainedFlushInterval}' must be positive");
        }

        ValidateTls(broker.Tls, errors);
    }

    private static void ValidateTls(BrokerTlsOptions tls, List<string> errors)
    {
        if (!tls.Enabled)
        {
            return;
        }

        Port(tls.Port, "Broker:Tls:Port", errors);
        if (!IPAddress.TryParse(tls.BindAddress, out _))
        {
            errors.Add($"{S}:Broker:Tls:BindAddress '{tls.BindAddress}' is not an IP address");
        }

        if (tls.CertificateFile.Length > 0 && !File.Exists(tls.CertificateFile))
        {
            errors.Add($"{S}:Broker:Tls:CertificateFile '{tls.CertificateFile}' does not exist");
        }

        for (var i = 0; i < tls.ServerNames.Count; i++)
        {
            var name = tls.ServerNames[i];
            if (!IPAddress.TryParse(name, out _) && Uri.CheckHostName(name) != UriHostNameType.Dns)
            {
                errors.Add($"{S}:Broker:Tls:ServerNames:{i} '{name}' is neither a DNS name nor an IP address");
            }
        }

        if (tls.HandshakeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{S}:Broker:Tls:HandshakeTimeout '{tls.HandshakeTimeout}' must be positive");
        }
    }

    private static void ValidateHistory(HistoryOptions history, List<string> errors)
    {
        if (history.CheckpointsKept is < 2 or > 100)
        {
            errors.Add($"{S}:History:CheckpointsKept '{history.CheckpointsKept}' must be between 2 and 100 (one to fall back to when the newest is damaged)");
        }

        if (history.CheckpointInterval <= TimeSpan.Zero)
        {
            errors.Add($"{S}:History:CheckpointInterval '{history.CheckpointInterval}' must be positive");
        }

        if (history.Retention <= TimeSpan.Zero)
        {
            errors.Add($"{S}:History:Retention '{history.Retention}' must be positive");
        }

        PowerOfTwo(history.IndexSizeBytes, 1L << 12, "History:IndexSizeBytes", errors);
        PowerOfTwo(history.PageSizeBytes, 1L << 9, "History:PageSizeBytes", errors);
        PowerOfTwo(history.MemorySizeBytes, 1L << 10, "History:MemorySizeBytes", errors);
        PowerOfTwo(history.SegmentSizeBytes, 1L << 12, "History:SegmentSizeBytes", errors);
        if (history.MemorySizeBytes < 2 * history.PageSizeBytes)
        {
            errors.Add($"{S}:History:MemorySizeBytes '{history.MemorySizeBytes}' must hold at least two pages of History:PageSizeBytes '{history.PageSizeBytes}'");
        }

        if (history.SegmentSizeBytes < history.PageSizeBytes)
        {
            errors.Add($"{S}:History:SegmentSizeBytes '{history.SegmentSizeBytes}' must be at least History:PageSizeBytes '{history.PageSizeBytes}'");
        }
    }

    private static void Port(int port, string key, List<string> errors)
    {
        if (port is < 1 or > 65535)
        {
            errors.Add($"{S}:{key} '{port}' must be between 1 and 65535");
        }
    }

    private static void Positive(int value, string key, List<string> errors)
    {
        if (value <= 0)
        {
            errors.Add($"{S}:{key} '{value}' must be positive");
        }
    }

    private static void PowerOfTwo(long value, long min, string key, List<string> errors)
    {
        if (value < min || !BitOperations.IsPow2(value))
        {
            errors.Add($"{S}:{key} '{value}' must be a power of two of at least {min}");
        }
    }
}
