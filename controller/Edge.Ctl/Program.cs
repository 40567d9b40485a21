using System.CommandLine;
using Edge.Ctl.Backtest;
using Edge.Ctl.Cli;
using Edge.Ctl.Submit;
using Edge.Ctl.Top;

namespace Edge.Ctl;

internal static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs edgectl with the given writers; a command line that does not parse exits <see cref="CliExit.Usage"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("edgectl: command-line client of Edge");
        root.Subcommands.Add(Nodes.NodesCommand.Create(stdout, stderr));
        root.Subcommands.Add(Runs.RunsCommand.Create(stdout, stderr));
        root.Subcommands.Add(Components.ComponentsCommand.Create(stdout, stderr));
        root.Subcommands.Add(Allocations.AllocationsCommand.CreateAllocations(stdout, stderr));
        root.Subcommands.Add(Allocations.AllocationsCommand.CreateQueue(stdout, stderr));
        root.Subcommands.Add(Config.ConfigCommand.Create(stdout, stderr));
        root.Subcommands.Add(SubmitCommand.Create(stdout, stderr));
        root.Subcommands.Add(Tokens.TokenCommand.Create(stdout, stderr));
        root.Subcommands.Add(TopCommand.Create(stdout, stderr));
        root.Subcommands.Add(BacktestCommand.Create(stdout, stderr));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"edgectl: {error.Message}");
            }

            await stderr.WriteLineAsync("edgectl: see 'edgectl --help' (or COMMAND --help)");

            // backtest keeps its own documented codes (docs/forecasting.md): 1 for invalid arguments.
            return parse.CommandResult.Command.Name == "backtest" || parse.CommandResult.Parent is System.CommandLine.Parsing.CommandResult { Command.Name: "backtest" }
                ? ExitCodes.InvalidArguments
                : CliExit.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken);
    }
}
