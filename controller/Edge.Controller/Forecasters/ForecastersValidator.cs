using Microsoft.Extensions.Options;

namespace Edge.Controller.Forecasters;

/// <summary>Reports every problem of an options section at start, each naming its key and value.</summary>
internal sealed class ForecastersValidator<T>(Func<T, IReadOnlyList<string>> validate) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var errors = validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
