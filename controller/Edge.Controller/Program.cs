using Edge.Controller.Hosting;

namespace Edge.Controller;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Contains(ConfigCheck.Flag))
        {
            return await ConfigCheck.RunAsync([.. args.Where(a => a != ConfigCheck.Flag)]);
        }

        try
        {
            await using var app = ControllerHost.Build(args);
            await app.RunAsync();
            return 0;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("edge-controller: invalid configuration:");
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync("  " + failure);
            }

            return 2;
        }
        catch (FileNotFoundException ex)
        {
            // A configuration file named by --config or EDGE_CONTROLLER_CONFIG that is not there.
            await Console.Error.WriteLineAsync("edge-controller: " + ex.Message);
            return 2;
        }
    }
}
