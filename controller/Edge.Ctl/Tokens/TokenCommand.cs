using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Edge.Ctl.Cli;

namespace Edge.Ctl.Tokens;

/// <summary>
/// <c>edgectl token create NAME --role ROLE [--expires 30d]</c> (prints the token once), <c>edgectl token list</c>,
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
        var expires = new Option<DateTimeOffset?>("--expires")
        {
            Description = "When the token stops working: a time from now (90m, 12h, 30d, 1w) or an instant (2027-01-31T18:00:00Z); default: never",
            CustomParser = r =>
            {
                if (ExpiryParser.Parse(r.Tokens[0].Value, DateTimeOffset.UtcNow, out var at) is { } error)
                {
                    r.AddError(error);
                    return null;
                }

                return at;
            },
        };
        var command = cli.With(new Command("create", "Create a token; its text is printed once and cannot be shown again") { name, role, expires });
        command.SetAction((parse, ct) => cli.RunAsync(parse, "token create", TimeSpan.FromSeconds(30), async client =>
        {
            var created = await client.CreateTokenAsync(parse.GetValue(name)!, parse.GetValue(role)!, parse.GetValue(expires), ct);
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(created, cli.Json.TokenCreated);
                return CliExit.Ok;
            }

            await cli.Stdout.WriteLineAsync(created.Token);
            var until = created.ExpiresAt is { } e ? $", valid until {e.ToString("u", CultureInfo.InvariantCulture)}" : ", no expiry";
            await cli.Stderr.WriteLineAsync($"edgectl token create: '{created.Name}' ({created.Role}) created{until}; the token above is shown only now");
            return CliExit.Ok;
        }));
        return command;
    }

    private static Command ListCommand(CliContext cli)
    {
        var command = cli.With(new Command("list", "List tokens: name, role, created, expiry, where it was made (never the tokens)"));
        command.SetAction((parse, ct) => cli.RunAsync(parse, "token list", TimeSpan.FromSeconds(30), async client =>
        {
            var tokens = await client.TokensAsync(ct);
            if (cli.IsJson(parse))
            {
                await cli.WriteJsonAsync(tokens, cli.Json.IReadOnlyListTokenInfo);
                return CliExit.Ok;
            }

            var table = new Table("NAME", "ROLE", "CREATED", "EXPIRES", "SOURCE");
            foreach (var t in tokens)
            {
                table.Add(t.Name, t.Role, t.CreatedAt.ToString("u", CultureInfo.InvariantCulture),
                    t.ExpiresAt is { } e ? e.ToString("u", CultureInfo.InvariantCulture) : "never", t.Configured ? "configuration" : "api");
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

/// <summary>Reads <c>--expires</c>: a span from now (<c>90m</c>, <c>12h</c>, <c>30d</c>, <c>1w</c>) or an ISO 8601 instant with its offset.</summary>
internal static partial class ExpiryParser
{
    [GeneratedRegex(@"T.*(Z|[+-]\d\d:?\d\d)$", RegexOptions.CultureInvariant)]
    private static partial Regex HasOffset();

    /// <summary>Null when <paramref name="text"/> is an expiry (in <paramref name="at"/>), else the error naming it.</summary>
    public static string? Parse(string text, DateTimeOffset now, out DateTimeOffset at)
    {
        at = default;
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && "mhdw".Contains(trimmed[^1], StringComparison.Ordinal)
            && long.TryParse(trimmed[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            var unit = trimmed[^1] switch { 'm' => TimeSpan.FromMinutes(1), 'h' => TimeSpan.FromHours(1), 'd' => TimeSpan.FromDays(1), _ => TimeSpan.FromDays(7) };
            if (count <= 0 || count > TimeSpan.FromDays(3660).Ticks / unit.Ticks)
            {
                return $"--expires '{text}' must be more than 0 and at most 10 years";
            }

            at = now + (unit * count);
            return null;
        }

        // An instant must say its offset: a bare local time would mean different instants on the operator's machine
        // and the controller's.
        if (HasOffset().IsMatch(trimmed) && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            if (instant <= now)
            {
                return $"--expires '{text}' is in the past (now {now.ToString("u", CultureInfo.InvariantCulture)})";
            }

            at = instant;
            return null;
        }

        return $"--expires '{text}' is neither a time from now (90m, 12h, 30d, 1w) nor an instant with its offset (2027-01-31T18:00:00Z)";
    }
}
