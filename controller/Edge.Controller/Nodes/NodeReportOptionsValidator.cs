using System.Globalization;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Nodes;

/// <summary>Checks <see cref="NodeReportOptions"/> at start and reports every error at once, each naming its key and value.</summary>
internal sealed class NodeReportOptionsValidator : IValidateOptions<NodeReportOptions>
{
    private const string S = NodeReportOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, NodeReportOptions options)
    {
        var errors = new List<string>();
        Positive(options.MaxCpuCores, nameof(options.MaxCpuCores), errors);
        Positive(options.MaxMemoryMiB, nameof(options.MaxMemoryMiB), errors);
        Positive(options.MaxNetworkMbps, nameof(options.MaxNetworkMbps), errors);
        NotNegative(options.MaxCostPerCoreHour, nameof(options.MaxCostPerCoreHour), errors);
        NotNegative(options.MaxCostPerGiBHour, nameof(options.MaxCostPerGiBHour), errors);
        Positive(options.MaxLabels, nameof(options.MaxLabels), errors);
        Positive(options.MaxLabelKeyLength, nameof(options.MaxLabelKeyLength), errors);
        Positive(options.MaxLabelValueLength, nameof(options.MaxLabelValueLength), errors);
        Positive(options.MaxTextLength, nameof(options.MaxTextLength), errors);
        Positive(options.MaxSeriesPerNode, nameof(options.MaxSeriesPerNode), errors);
        Positive(options.MaxSeriesNameLength, nameof(options.MaxSeriesNameLength), errors);
        Positive(options.MaxSampleValue, nameof(options.MaxSampleValue), errors);
        Positive(options.MaxEventValues, nameof(options.MaxEventValues), errors);
        AtLeastOne(options.CapacityRiseFactor, nameof(options.CapacityRiseFactor), errors);
        AtLeastOne(options.CpuSlack, nameof(options.CpuSlack), errors);
        AtLeastOne(options.MemorySlack, nameof(options.MemorySlack), errors);
        if (options.MaxClockSkew < TimeSpan.Zero)
        {
            errors.Add($"{S}:MaxClockSkew {options.MaxClockSkew} must not be negative");
        }

        if (options.LogInterval <= TimeSpan.Zero)
        {
            errors.Add($"{S}:LogInterval {options.LogInterval} must be positive");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(double value, string key, List<string> errors)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            errors.Add($"{S}:{key} {value.ToString(CultureInfo.InvariantCulture)} must be a finite number above 0");
        }
    }

    private static void NotNegative(double value, string key, List<string> errors)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            errors.Add($"{S}:{key} {value.ToString(CultureInfo.InvariantCulture)} must be a finite number, 0 or more");
        }
    }

    private static void AtLeastOne(double value, string key, List<string> errors)
    {
        if (!double.IsFinite(value) || value < 1)
        {
            errors.Add($"{S}:{key} {value.ToString(CultureInfo.InvariantCulture)} must be a finite number, 1 or more");
        }
    }
}
