using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

/// <summary>Checks an allocation request and its profile before the broker takes its lock.</summary>
internal static class RequestValidator
{
    /// <summary>Null when the request is well formed; otherwise what is wrong, naming the value.</summary>
    public static string? Check(AllocationRequest request)
    {
        if (!IdValidator.IsValidComponentId(request.ComponentId, out var error))
        {
            return $"componentId: {error}";
        }

        if (request.WorkflowRunId is { } run && !IdValidator.IsValidSegment(run, out error))
        {
            return $"workflowRunId: {error}";
        }

        if (request.AntiAffinity && request.WorkflowRunId is null)
        {
            return "antiAffinity is set but workflowRunId is missing; anti-affinity groups instances by workflow run";
        }

        if (request.QueueTimeoutSeconds is { } timeout && (!double.IsFinite(timeout) || timeout <= 0))
        {
            return $"queueTimeoutSeconds {timeout} must be a positive number";
        }

        if (request.Tiers is { } tiers && (tiers.Count == 0 || tiers.Any(t => !Enum.IsDefined(t))))
        {
            return $"tiers '{string.Join(",", tiers)}' must name at least one of {string.Join(", ", Enum.GetNames<PricingTier>())}";
        }

        if (request.RequiredLabels?.FirstOrDefault(l => string.IsNullOrEmpty(l.Key) || l.Value is null) is { Key: { } badKey })
        {
            return $"requiredLabels: label '{badKey}' has an empty key or no value";
        }

        if (request.Executable is { } exe && !Path.IsPathFullyQualified(exe))
        {
            return $"executable '{exe}' is not an absolute path";
        }

        return null;
    }

    /// <summary>Null when the profile can be reserved; otherwise what is wrong with it.</summary>
    public static string? Check(PredictionProfile profile)
    {
        var id = profile.ComponentId;
        if (!double.IsFinite(profile.Cpu) || profile.Cpu < 0)
        {
            return $"the profile of '{id}' has cpu {profile.Cpu} millicores; it must be a finite number, 0 or more";
        }

        if (!double.IsFinite(profile.Memory) || profile.Memory < 0)
        {
            return $"the profile of '{id}' has memory {profile.Memory} MiB; it must be a finite number, 0 or more";
        }

        if (!double.IsFinite(profile.NetworkBandwidth) || profile.NetworkBandwidth < 0)
        {
            return $"the profile of '{id}' has network {profile.NetworkBandwidth} Mbps; it must be a finite number, 0 or more";
        }

        return profile.Cpu == 0 && profile.Memory == 0
            ? $"the profile of '{id}' asks for no cpu and no memory; nothing to reserve"
            : null;
    }
}
