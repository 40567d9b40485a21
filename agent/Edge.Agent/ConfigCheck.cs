using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Agent;

/// <summary>
/// <c>edge-agent --check-config [--config FILE]</c>: loads the configuration as a start would, runs every options
/// validator, prints each failure (naming the key and value) and exits 0 (valid) or 1, without starting anything.
/// <c>edgectl config validate --agent FILE</c> runs it.
/// </summary>
internal static class ConfigCheck
{
    public const string Flag = "--check-config";

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            using var host = Program.Build(args);
            host.Services.GetService<IStartupValidator>()?.Validate();
            await Console.Out.WriteLineAsync("edge-agent: configuration is valid");
            return 0;
        }
        catch (Exception ex) when (Failures(ex) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync("edge-agent: invalid configuration:\n  " + string.Join("\n  ", failures));
            return 1;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or FormatException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync("edge-agent: invalid configuration: " + ex.Message);
            return 1;
        }
    }

    /// <summary>
    /// Every validation failure, once: the start-up validator throws an <see cref="AggregateException"/> when more
    /// than one options type fails (and a validator reading another options type repeats that one's failures).
    /// </summary>
    private static List<string> Failures(Exception ex) =>
        ex switch
        {
            OptionsValidationException options => [.. options.Failures.Distinct(StringComparer.Ordinal)],
            AggregateException aggregate => [.. aggregate.Flatten().InnerExceptions.OfType<OptionsValidationException>().SelectMany(o => o.Failures).Distinct(StringComparer.Ordinal)],
            _ => [],
        };
}
