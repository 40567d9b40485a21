using Microsoft.Extensions.Options;

namespace Edge.Controller.Adjustment;

/// <summary>Checks <see cref="AdjusterOptions"/> at start and reports every wrong key at once, with its value.</summary>
internal sealed class AdjusterOptionsValidator : IValidateOptions<AdjusterOptions>
{
    private const string S = AdjusterOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, AdjusterOptions options)
    {
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Collect(AdjusterOptions o)
    {
        var errors = new List<string>();
        Check(o.UpThreshold is > 0 and <= 1, $"{S}:UpThreshold {o.UpThreshold} must be in (0, 1]", errors);
        Check(o.DownThreshold > 0 && o.DownThreshold < o.UpThreshold,
            $"{S}:DownThreshold {o.DownThreshold} must be above 0 and below UpThreshold {o.UpThreshold} (the band between them is the hysteresis)", errors);
        Check(o.UpAfter > TimeSpan.Zero, $"{S}:UpAfter {o.UpAfter} must be positive", errors);
        Check(o.DownAfter > TimeSpan.Zero, $"{S}:DownAfter {o.DownAfter} must be positive", errors);
        Check(o.Cooldown >= TimeSpan.Zero, $"{S}:Cooldown {o.Cooldown} must not be negative", errors);
        Check(o.ThrottleShare is >= 0 and < 1, $"{S}:ThrottleShare {o.ThrottleShare} must be in [0, 1)", errors);
        Check(o.DownStabilization >= TimeSpan.Zero, $"{S}:DownStabilization {o.DownStabilization} must not be negative", errors);
        Check(o.MaxMargin is > 0 and <= 4, $"{S}:MaxMargin {o.MaxMargin} must be in (0, 4]", errors);
        Check(o.MinMargin >= 0 && o.MinMargin <= o.MaxMargin, $"{S}:MinMargin {o.MinMargin} must be in [0, MaxMargin {o.MaxMargin}]", errors);
        Check(o.MinCpuMillicores > 0 && double.IsFinite(o.MinCpuMillicores), $"{S}:MinCpuMillicores {o.MinCpuMillicores} must be a positive number", errors);
        Check(o.MinMemoryMiB > 0 && double.IsFinite(o.MinMemoryMiB), $"{S}:MinMemoryMiB {o.MinMemoryMiB} must be a positive number", errors);
        Check(o.MemoryDownMarginMiB >= 0 && double.IsFinite(o.MemoryDownMarginMiB), $"{S}:MemoryDownMarginMiB {o.MemoryDownMarginMiB} must not be negative", errors);
        Check(o.MemoryLookahead >= TimeSpan.Zero, $"{S}:MemoryLookahead {o.MemoryLookahead} must not be negative", errors);
        Check(o.MemoryTailMinRuns >= 1, $"{S}:MemoryTailMinRuns {o.MemoryTailMinRuns} must be at least 1", errors);
        Check(o.MemoryTailRuns >= o.MemoryTailMinRuns, $"{S}:MemoryTailRuns {o.MemoryTailRuns} must be at least MemoryTailMinRuns {o.MemoryTailMinRuns}", errors);
        Check(o.MemoryTailPriorRuns > 0 && double.IsFinite(o.MemoryTailPriorRuns), $"{S}:MemoryTailPriorRuns {o.MemoryTailPriorRuns} must be a positive number", errors);
        Check(o.MemoryTrimAfter > TimeSpan.Zero, $"{S}:MemoryTrimAfter {o.MemoryTrimAfter} must be positive", errors);
        Check(o.MemoryLevelTolerance is >= 0 and <= 0.5, $"{S}:MemoryLevelTolerance {o.MemoryLevelTolerance} must be in [0, 0.5]", errors);
        Check(o.NetworkHotShare is > 0 and <= 1, $"{S}:NetworkHotShare {o.NetworkHotShare} must be in (0, 1]", errors);
        Check(o.MinNetworkMbps > 0 && double.IsFinite(o.MinNetworkMbps), $"{S}:MinNetworkMbps {o.MinNetworkMbps} must be a positive number", errors);
        return errors;
    }

    private static void Check(bool ok, string error, List<string> errors)
    {
        if (!ok)
        {
            errors.Add(error);
        }
    }
}
