using Edge.Agent.Supervision;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Agent;

/// <summary>
/// edge-agent: one per Linux host, run by systemd. Configuration, later sources winning: appsettings.json beside the
/// binary, the optional node file (/etc/edge/agent.json, or the path in <c>--config</c> or EDGE_AGENT_CONFIG),
/// environment variables prefixed <c>EDGE_</c> (e.g. <c>EDGE_Agent__NodeId</c>), then the command line.
/// </summary>
internal static class Program
{
    public const string DefaultConfigFile = "/etc/edge/agent.json";

    public static async Task<int> Main(string[] args)
    {
        if (args.Contains(ConfigCheck.Flag))
        {
            return await ConfigCheck.RunAsync([.. args.Where(a => a != ConfigCheck.Flag)]);
        }

        IHost host;
        try
        {
            host = Build(args);
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"edge-agent: cannot read configuration: {ex.Message}");
            return 2;
        }

        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("edge-agent: invalid configuration:\n  " + string.Join("\n  ", ex.Failures));
            return 2;
        }
        finally
        {
            host.Dispose();
        }
    }

    /// <param name="args">Command-line arguments.</param>
    /// <param name="configure">Last changes to the builder before it builds (benchmarks add instrumentation).</param>
    public static IHost Build(string[] args, Action<HostApplicationBuilder>? configure = null)
    {
        var configFile = ConfigFilePath(args, Environment.GetEnvironmentVariable("EDGE_AGENT_CONFIG"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddJsonFile(configFile, optional: configFile == DefaultConfigFile, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables("EDGE_");
        builder.Configuration.AddCommandLine(args);
        builder.Services.AddSystemd();
        builder.Services.AddEdgeAgent(builder.Configuration);
        builder.Services.AddEdgeSupervision(builder.Configuration);
        builder.Services.AddSingleton<ICommandHandler, Output.OutputCommandHandler>();
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>The node config file: <c>--config PATH</c> or <c>--config=PATH</c>, else the environment variable, else the default.</summary>
    internal static string ConfigFilePath(string[] args, string? fromEnvironment)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length)
            {
                return Path.GetFullPath(args[i + 1]);
            }

            if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                return Path.GetFullPath(args[i]["--config=".Length..]);
            }
        }

        return string.IsNullOrEmpty(fromEnvironment) ? DefaultConfigFile : Path.GetFullPath(fromEnvironment);
    }
}
