using Microsoft.Extensions.Options;

namespace Edge.Controller.Placement;

/// <summary>Checks <see cref="PlacementOptions"/> at start and reports every wrong key at once.</summary>
internal sealed class PlacementOptionsValidator : IValidateOptions<PlacementOptions>
{
    public ValidateOptionsResult Validate(string? name, PlacementOptions options)
    {
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Collect(PlacementOptions options)
    {
        const string S = PlacementOptions.SectionName;
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Strategy))
        {
            errors.Add($"{S}:Strategy '{options.Strategy}' is not one of {string.Join(", ", Enum.GetNames<PlacementStrategy>())}");
        }

        if (options.MinimumReducedLevel is <= 0 or > 1 || double.IsNaN(options.MinimumReducedLevel))
        {
            errors.Add($"{S}:MinimumReducedLevel {options.MinimumReducedLevel} must be in (0, 1]");
        }

        if (options.DefaultQueueTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{S}:DefaultQueueTimeout {options.DefaultQueueTimeout} must be positive");
        }

        if (options.NodeLossGrace < TimeSpan.Zero)
        {
            errors.Add($"{S}:NodeLossGrace {options.NodeLossGrace} must not be negative");
        }

        if (options.UnknownInstanceGrace < TimeSpan.Zero)
        {
            errors.Add($"{S}:UnknownInstanceGrace {options.UnknownInstanceGrace} must not be negative");
        }

        if (options.MissingInstanceGrace < TimeSpan.Zero)
        {
            errors.Add($"{S}:MissingInstanceGrace {options.MissingInstanceGrace} must not be negative");
        }

        if (options.QueueCheckPeriod <= TimeSpan.Zero)
        {
            errors.Add($"{S}:QueueCheckPeriod {options.QueueCheckPeriod} must be positive");
        }

        if (options.MaxQueueLength < 0)
        {
            errors.Add($"{S}:MaxQueueLength {options.MaxQueueLength} must not be negative");
        }

        if (options.JournalCompactionRecords < 1)
        {
            errors.Add($"{S}:JournalCompactionRecords {options.JournalCompactionRecords} must be at least 1");
        }

        if (options.MaxAlternatives is < 0 or > 50)
        {
            errors.Add($"{S}:MaxAlternatives {options.MaxAlternatives} must be between 0 and 50");
        }

        if (options.FeasibleNodesToScore < 0)
        {
            errors.Add($"{S}:FeasibleNodesToScore {options.FeasibleNodesToScore} must not be negative (0 scores every fitting node)");
        }

        if (options.EffectivePrimaryTiers.Count == 0)
        {
            errors.Add($"{S}:PrimaryTiers is empty; name at least one tier");
        }

        if (options.StoreDirectory is { Length: 0 })
        {
            errors.Add($"{S}:StoreDirectory is empty; leave it unset to keep allocations in memory");
        }

        var contention = options.EffectiveContention;
        if (contention.Distinct().Count() != contention.Count)
        {
            errors.Add($"{S}:Contention '{string.Join(",", contention)}' names a policy twice");
        }

        return errors;
    }
}
