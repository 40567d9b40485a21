using System.Globalization;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Telemetry;

/// <summary>Checks <see cref="MetricsOptions"/> at start; every error names its key and value.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    /// <summary>Above this a single scrape would carry millions of series: a typo, not a fleet.</summary>
    public const int Ceiling = 1_000_000;

    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new List<string>();
        Check(options.MaxNodes, nameof(options.MaxNodes), errors);
        Check(options.MaxInstances, nameof(options.MaxInstances), errors);
        Check(options.MaxComponents, nameof(options.MaxComponents), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(int value, string key, List<string> errors)
    {
        if (value is < 1 or > Ceiling)
        {
            errors.Add($"{MetricsOptions.SectionName}:{key} {value.ToString(CultureInfo.InvariantCulture)} must be between 1 and {Ceiling.ToString(CultureInfo.InvariantCulture)}");
        }
    }
}
