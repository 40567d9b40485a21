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

            // Whatever a service asked the process to exit with: 75 when a cluster leader lost the lead, so that
            // systemd's Restart=on-failure starts it again as a follower (returning 0 here made that a clean exit,
            // and the controller stayed down).
            return Environment.ExitCode;
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
