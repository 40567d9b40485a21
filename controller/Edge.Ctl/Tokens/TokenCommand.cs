using System.CommandLine;
using Edge.Ctl.Cli;

namespace Edge.Ctl.Tokens;

/// <summary>
/// <c>edgectl token create NAME --role ROLE</c> (prints the token once), <c>edgectl token list</c>,
/// <c>edgectl token revoke NAME</c>: the controller's admin endpoints <c>/api/tokens</c>; they need an admin token.
/// Exit codes as every API command (<see cref="CliExit"/>).
/// </summary>
internal static class TokenCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var token = new Command("token", "Create, list and revoke API tokens (needs an admin token)");
        token.Subcommands.Add(CreateCommand(new CliContext(stdout, stderr)));
        token.Subcommands.Add(ListCommand(new CliContext(stdout, stderr)));
        token.Subcommands.Add(RevokeCommand(new CliContext(stdout, stderr)));
        return token;
    }

    private static Command CreateCommand(CliContext cli)
    {
        var name = new Argument<string>("name") { Description = "The token's name (letters, digits, '-', '_', '.')" };
        var role = new Option<string>("--role") { Description = "viewer, submitter, operator or admin", DefaultValueFactory = _ => "viewer" };
        var command = cli.With(new Command("create", "Create a token; its text is printed once and cannot be shown again") { name, role });
        command.SetAction((parse, ct) => cli.RunAsync(parse, "token create", TimeSpan.FromSeconds(30), async client =>
        {
            var created = await client.CreateTokenAsync(parse.GetValue(name)!, parse.GetValue(role)!, ct);
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(created, cli.Json.TokenCreated);
                return CliExit.Ok;
            }

            await cli.Stdout.WriteLineAsync(created.Token);
            await cli.Stderr.WriteLineAsync($"edgectl token create: '{created.Name}' ({created.Role}) created; the token above is shown only now");
            return CliExit.Ok;
        }));
        return command;
    }

    private static Command ListCommand(CliContext cli)
    {
        var command = cli.With(new Command("list", "List tokens: name, role, created (never the tokens)"));
        command.SetAction((parse, ct) => cli.RunAsync(parse, "token list", TimeSpan.FromSeconds(30), async client =>
        {
            var tokens = await client.TokensAsync(ct);
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(tokens, cli.Json.IReadOnlyListTokenInfo);
                return CliExit.Ok;
            }

            var table = new Table("NAME", "ROLE", "CREATED", "SOURCE");
            foreach (var t in tokens)
            {
                table.Add(t.Name, t.Role, t.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), t.Configured ? "configuration" : "api-tokens.json");
            }

            await cli.Stdout.WriteAsync(table.ToString());
            return CliExit.Ok;
        }));
        return command;
    }

    private static Command RevokeCommand(CliContext cli)
    {
        var name = new Argument<string>("name") { Description = "The token to revoke" };
        var command = cli.With(new Command("revoke", "Revoke a token at once") { name });
        command.SetAction((parse, ct) => cli.RunAsync(parse, "token revoke", TimeSpan.FromSeconds(30), async client =>
        {
            await client.RevokeTokenAsync(parse.GetValue(name)!, ct);
            await cli.Stdout.WriteLineAsync($"revoked: {parse.GetValue(name)}");
            return CliExit.Ok;
        }));
        return command;
    }
}
