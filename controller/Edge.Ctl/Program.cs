using System.CommandLine;
using Edge.Ctl.Backtest;
using Edge.Ctl.Submit;
using Edge.Ctl.Top;

namespace Edge.Ctl;

internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("edgectl: command-line client of Edge");
        root.Subcommands.Add(BacktestCommand.Create(Console.Out, Console.Error));
        root.Subcommands.Add(TopCommand.Create(Console.Out, Console.Error));
        root.Subcommands.Add(SubmitCommand.Create(Console.Out, Console.Error));
        root.Subcommands.Add(Tokens.TokenCommand.Create(Console.Out, Console.Error));
        return root.Parse(args).InvokeAsync();
    }
}
