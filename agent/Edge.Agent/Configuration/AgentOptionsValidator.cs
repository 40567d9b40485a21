using System.Globalization;
using Edge.Common.Contracts;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Configuration;

/// <summary>Checks every <see cref="AgentOptions"/> setting and reports all errors at once, each naming its key and value.</summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    private const string S = AgentOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var errors = new List<string>();
        if (!IdValidator.IsValidSegment(options.NodeId, out var nodeError))
        {
            errors.Add($"{S}:NodeId '{options.NodeId}' is not a valid node id: {nodeError}");
        }

        try
        {
            _ = new EdgeTopics(options.TopicPrefix);
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{S}:TopicPrefix '{options.TopicPrefix}' is not usable: {ex.Message}");
        }

        if (!options.Mqtt.TryParseBroker(out _, out _, out _, out var brokerError))
        {
            errors.Add($"{S}:Mqtt:BrokerUrl: {brokerError}");
        }

        else if (options.Mqtt.PlaintextError() is { } plaintext)
        {
            errors.Add($"{S}:Mqtt:BrokerUrl: {plaintext} (Agent:Mqtt:CaCertificateFile), or set Agent:Mqtt:AllowPlaintext=true");
        }

        // The failover URLs (Agent:Mqtt:BrokerUrls) are held to the same rules as BrokerUrl.
        foreach (var error in options.Mqtt.BrokerUrls.Length > 0 ? (options.Mqtt with { BrokerUrl = options.Mqtt.BrokerUrls[0] }).BrokerUrlErrors() : [])
        {
            errors.Add($"{S}:Mqtt:BrokerUrls: {error}");
        }

        // The embedded broker binds client ids to usernames (node X may only be agent-X); any other id is refused at
        // CONNECT, so refuse it here, where the operator sees which key is wrong.
        if (!string.IsNullOrEmpty(options.Mqtt.ClientId) && options.Mqtt.ClientId != $"agent-{options.NodeId}")
        {
            errors.Add($"{S}:Mqtt:ClientId '{options.Mqtt.ClientId}' must be empty or 'agent-{options.NodeId}' (the broker accepts only that id for node '{options.NodeId}')");
        }

        if (options.SampleInterval < TimeSpan.FromMilliseconds(100) || options.SampleInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{S}:SampleInterval '{options.SampleInterval}' must be between 00:00:00.1 and 01:00:00");
        }

        if (options.Commands.ClockSkew < TimeSpan.Zero || options.Commands.ClockSkew > TimeSpan.FromHours(1))
        {
            errors.Add($"{S}:Commands:ClockSkew '{options.Commands.ClockSkew}' must be between 00:00:00 and 01:00:00");
        }

        if (string.IsNullOrWhiteSpace(options.Provider))
        {
            errors.Add($"{S}:Provider '{options.Provider}' must not be empty");
        }

        ValidateLabels(options, errors);
        ValidatePricing(options.Pricing, errors);
        ValidateCapacity(options.Capacity, errors);

        if (string.IsNullOrWhiteSpace(options.SpoolDirectory) || !Path.IsPathFullyQualified(options.SpoolDirectory))
        {
            errors.Add($"{S}:SpoolDirectory '{options.SpoolDirectory}' must be an absolute path");
        }

        if (options.SpoolMaxBytes < 64 * 1024)
        {
            errors.Add($"{S}:SpoolMaxBytes '{options.SpoolMaxBytes}' must be at least 65536");
        }

        if (options.DotnetCounters.MaxProcesses < 0)
        {
            errors.Add($"{S}:DotnetCounters:MaxProcesses '{options.DotnetCounters.MaxProcesses}' must not be negative");
        }

        if (options.DotnetCounters.DiscoveryInterval <= TimeSpan.Zero)
        {
            errors.Add($"{S}:DotnetCounters:DiscoveryInterval '{options.DotnetCounters.DiscoveryInterval}' must be positive");
        }

        ValidatePrometheus(options.Prometheus, errors);
        ValidateResidentTrim(options.ResidentTrim, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateResidentTrim(Footprint.ResidentTrimOptions trim, List<string> errors)
    {
        const string T = S + ":ResidentTrim";
        if (trim.Mode is not (Footprint.ResidentTrimOptions.Auto or Footprint.ResidentTrimOptions.On or Footprint.ResidentTrimOptions.Off))
        {
            errors.Add($"{T}:Mode '{trim.Mode}' must be auto, on or off");
        }

        if (trim.FirstAfter < TimeSpan.Zero || trim.FirstAfter > TimeSpan.FromHours(1))
        {
            errors.Add($"{T}:FirstAfter '{trim.FirstAfter}' must be between 00:00:00 and 01:00:00");
        }

        if (trim.Every < TimeSpan.FromSeconds(10) || trim.Every > TimeSpan.FromDays(1))
        {
            errors.Add($"{T}:Every '{trim.Every}' must be between 00:00:10 and 1.00:00:00");
        }
    }

    private static void ValidatePrometheus(PrometheusOptions prometheus, List<string> errors)
    {
        const string P = S + ":Prometheus";
        if (!string.IsNullOrEmpty(prometheus.BearerTokenFile) && !Path.IsPathFullyQualified(prometheus.BearerTokenFile))
        {
            errors.Add($"{P}:BearerTokenFile '{prometheus.BearerTokenFile}' must be an absolute path");
        }

        if (prometheus.MaxConnections is < 1 or > 64)
        {
            errors.Add($"{P}:MaxConnections '{prometheus.MaxConnections}' must be between 1 and 64");
        }

        if (prometheus.RequestTimeout < TimeSpan.FromMilliseconds(100) || prometheus.RequestTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{P}:RequestTimeout '{prometheus.RequestTimeout}' must be between 00:00:00.1 and 00:01:00");
        }

        if (string.IsNullOrEmpty(prometheus.Listen))
        {
            return;
        }

        if (!Prometheus.ListenAddress.TryParse(prometheus.Listen, out var endPoint, out var error))
        {
            errors.Add($"{P}:Listen '{prometheus.Listen}' {error}");
        }
        else if (!System.Net.IPAddress.IsLoopback(endPoint.Address) && string.IsNullOrEmpty(prometheus.BearerTokenFile))
        {
            // Secure by default: off loopback, anyone who can reach the port would read the node's workload.
            errors.Add($"{P}:Listen '{prometheus.Listen}' is not a loopback address: set {P}:BearerTokenFile (scrapers then send Authorization: Bearer <token>), or listen on 127.0.0.1 / [::1]");
        }
    }

    private static void ValidateLabels(AgentOptions options, List<string> errors)
    {
        foreach (var (key, value) in options.Labels)
        {
            if (string.IsNullOrWhiteSpace(key) || key.AsSpan().IndexOfAny(" \t\n=") >= 0)
            {
                errors.Add($"{S}:Labels key '{key}' must be non-empty and without blanks or '='");
            }

            if (value is null)
            {
                errors.Add($"{S}:Labels:{key} has no value");
            }
        }
    }

    private static void ValidatePricing(PricingOptions pricing, List<string> errors)
    {
        if (!Enum.IsDefined(pricing.Tier))
        {
            errors.Add($"{S}:Pricing:Tier '{pricing.Tier}' is not one of {string.Join(", ", Enum.GetNames<PricingTier>())}");
        }

        if (!(pricing.CostPerCoreHour >= 0) || double.IsInfinity(pricing.CostPerCoreHour))
        {
            errors.Add($"{S}:Pricing:CostPerCoreHour '{Format(pricing.CostPerCoreHour)}' must be a finite number >= 0");
        }

        if (!(pricing.CostPerGiBHour >= 0) || double.IsInfinity(pricing.CostPerGiBHour))
        {
            errors.Add($"{S}:Pricing:CostPerGiBHour '{Format(pricing.CostPerGiBHour)}' must be a finite number >= 0");
        }
    }

    private static void ValidateCapacity(CapacityOptions capacity, List<string> errors)
    {
        CheckPositive(capacity.CpuMillicores, "CpuMillicores", errors);
        CheckPositive(capacity.MemoryMiB, "MemoryMiB", errors);
        CheckPositive(capacity.NetworkMbps, "NetworkMbps", errors);
    }

    private static void CheckPositive(double? value, string key, List<string> errors)
    {
        if (value is { } v && (!(v > 0) || double.IsInfinity(v)))
        {
            errors.Add($"{S}:Capacity:{key} '{Format(v)}' must be a finite number > 0 (or unset to detect it)");
        }
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
