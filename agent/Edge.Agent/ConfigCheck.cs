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
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("edge-agent: invalid configuration:\n  " + string.Join("\n  ", ex.Failures));
            return 1;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or FormatException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync("edge-agent: invalid configuration: " + ex.Message);
            return 1;
        }
    }
}
