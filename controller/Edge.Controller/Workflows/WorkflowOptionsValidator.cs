using System.Globalization;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Workflows;

/// <summary>Reports every problem in <c>Controller:Workflows</c> at start, each with the offending value.</summary>
internal sealed class WorkflowOptionsValidator : IValidateOptions<WorkflowOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkflowOptions options)
    {
        var errors = new List<string>();
        var p = WorkflowOptions.SectionName;
        foreach (var command in options.AllowedCommands)
        {
            if (!command.StartsWith('/'))
            {
                errors.Add($"{p}:AllowedCommands '{command}' must be an absolute path");
            }
        }

        for (var i = 0; i < options.AllowedEnvironment.Count; i++)
        {
            var pattern = options.AllowedEnvironment[i];
            var stem = pattern.EndsWith('*') ? pattern[..^1] : pattern;
            if (pattern != "*" && (stem.Length == 0 || !stem.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
            {
                errors.Add($"{p}:AllowedEnvironment:{i} '{pattern}' must be a variable name, a prefix ending in '*', or '*'");
            }
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            errors.Add($"{p}:MaxAttempts {options.MaxAttempts.ToString(CultureInfo.InvariantCulture)} must be between 1 and 100");
        }

        if (!(options.OomMemoryFactor >= 1) || options.OomMemoryFactor > 10)
        {
            errors.Add($"{p}:OomMemoryFactor {options.OomMemoryFactor.ToString(CultureInfo.InvariantCulture)} must be between 1 and 10");
        }

        if (!(options.OomMinimumExtraMiB >= 0))
        {
            errors.Add($"{p}:OomMinimumExtraMiB {options.OomMinimumExtraMiB.ToString(CultureInfo.InvariantCulture)} must be >= 0");
        }

        if (options.KeepFinishedRuns < 1)
        {
            errors.Add($"{p}:KeepFinishedRuns {options.KeepFinishedRuns.ToString(CultureInfo.InvariantCulture)} must be >= 1");
        }

        if (options.FinishedRunRetention <= TimeSpan.Zero)
        {
            errors.Add($"{p}:FinishedRunRetention {options.FinishedRunRetention} must be positive");
        }

        if (options.VolumeHorizon <= TimeSpan.Zero)
        {
            errors.Add($"{p}:VolumeHorizon {options.VolumeHorizon} must be positive");
        }

        if (options.VolumePeriod <= TimeSpan.Zero)
        {
            errors.Add($"{p}:VolumePeriod {options.VolumePeriod} must be positive");
        }

        if (options.DefaultStepDuration <= TimeSpan.Zero)
        {
            errors.Add($"{p}:DefaultStepDuration {options.DefaultStepDuration} must be positive");
        }

        if (options.FirstSizeMinTasks < 1)
        {
            errors.Add($"{p}:FirstSizeMinTasks {options.FirstSizeMinTasks} must be at least 1");
        }

        if (!double.IsFinite(options.TaskSizerAttemptOverheadS) || options.TaskSizerAttemptOverheadS < 0)
        {
            errors.Add($"{p}:TaskSizerAttemptOverheadS {options.TaskSizerAttemptOverheadS} must be a finite number of seconds, at least 0");
        }

        if (!(options.TaskSizerMaxFailureRate is > 0 and <= 1))
        {
            errors.Add($"{p}:TaskSizerMaxFailureRate {options.TaskSizerMaxFailureRate} must be above 0 and at most 1 (1: no failure budget)");
        }

        if (!(options.PackCpuShare is > 0 and <= 1))
        {
            errors.Add($"{p}:PackCpuShare {options.PackCpuShare.ToString(CultureInfo.InvariantCulture)} must be above 0 and at most 1");
        }

        for (var i = 0; i < options.Scheduled.Count; i++)
        {
            var s = options.Scheduled[i];
            if (!Common.Contracts.IdValidator.IsValidSegment(s.WorkflowId, out var error))
            {
                errors.Add($"{p}:Scheduled:{i}:WorkflowId '{s.WorkflowId}': {error}");
            }

            if (s.Every <= TimeSpan.Zero)
            {
                errors.Add($"{p}:Scheduled:{i}:Every {s.Every} must be positive");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
