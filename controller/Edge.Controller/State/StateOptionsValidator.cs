using Microsoft.Extensions.Options;

namespace Edge.Controller.State;

/// <summary>Checks <c>Controller:State</c>, naming each offending value.</summary>
internal sealed class StateOptionsValidator : IValidateOptions<StateOptions>
{
    public ValidateOptionsResult Validate(string? name, StateOptions options)
    {
        var errors = new List<string>();
        const string S = StateOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            errors.Add($"{S}:Path '{options.Path}' must name a file");
        }
        else if (options.Path.EndsWith('/') || Path.GetFileName(options.Path).Length == 0)
        {
            errors.Add($"{S}:Path '{options.Path}' names a directory, not a file");
        }

        if (options.BusyTimeout < TimeSpan.FromMilliseconds(1) || options.BusyTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{S}:BusyTimeout {options.BusyTimeout} must be between 1 ms and 10 minutes");
        }

        if (!Enum.IsDefined(options.Synchronous))
        {
            errors.Add($"{S}:Synchronous '{options.Synchronous}' must be Full or Normal");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
