using Microsoft.Extensions.Options;

namespace Edge.Controller.Hosting;

/// <summary>
/// <c>edge-controller --check-config [--config FILE]</c>: loads the configuration as a start would (file, <c>EDGE_</c>
/// environment, command line), runs every options validator, prints each failure (naming the key and value) and
/// exits 0 (valid) or 1, without starting the broker, the store or the API. <c>edgectl config validate</c> runs it.
/// </summary>
internal static class ConfigCheck
{
    public const string Flag = "--check-config";

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            await using var app = ControllerHost.Build(args);
            app.Services.GetService<IStartupValidator>()?.Validate();
            await Console.Out.WriteLineAsync("edge-controller: configuration is valid");
            return 0;
        }
        catch (Exception ex) when (Failures(ex) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync("edge-controller: invalid configuration:");
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync("  " + failure);
            }

            return 1;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or FormatException or InvalidOperationException)
        {
            // A missing --config file, JSON that does not parse, a value that does not bind to its option's type.
            await Console.Error.WriteLineAsync("edge-controller: invalid configuration: " + ex.Message);
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
