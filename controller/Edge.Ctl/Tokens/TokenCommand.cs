using System.CommandLine;
using System.Net;
using System.Text;
using System.Text.Json;
using Edge.Ctl.Api;

namespace Edge.Ctl.Tokens;

/// <summary>
/// <c>edgectl token create NAME --role ROLE</c> (prints the token once), <c>edgectl token list</c>,
/// <c>edgectl token revoke NAME</c>: the controller's admin endpoints <c>/api/tokens</c>; they need an admin token.
/// Exit code: 0 done, 1 refused, 2 the controller could not be reached.
/// </summary>
internal static class TokenCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var token = new Command("token", "Create, list and revoke API tokens (needs an admin token)");
        token.Subcommands.Add(CreateCommand(stdout, stderr));
        token.Subcommands.Add(ListCommand(stdout, stderr));
        token.Subcommands.Add(RevokeCommand(stdout, stderr));
        return token;
    }

    private static Command CreateCommand(TextWriter stdout, TextWriter stderr)
    {
        var api = new ApiOptions();
        var name = new Argument<string>("name") { Description = "The token's name (letters, digits, '-', '_', '.')" };
        var role = new Option<string>("--role") { Description = "viewer, submitter, operator or admin", DefaultValueFactory = _ => "viewer" };
        var command = new Command("create", "Create a token; its text is printed once and cannot be shown again") { name, role };
        api.AddTo(command);
        command.SetAction((parse, ct) => CallAsync(api, parse, stderr, "token create", async http =>
        {
            var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = parse.GetValue(name)!, ["role"] = parse.GetValue(role)! });
            using var response = await http.PostAsync("/api/tokens", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return await RefusedAsync(stderr, "token create", response.StatusCode, text);
            }

            using var json = JsonDocument.Parse(text);
            await stdout.WriteLineAsync(json.RootElement.GetProperty("token").GetString());
            await stderr.WriteLineAsync($"edgectl token create: '{parse.GetValue(name)}' ({parse.GetValue(role)}) created; the token above is shown only now");
            return 0;
        }));
        return command;
    }

    private static Command ListCommand(TextWriter stdout, TextWriter stderr)
    {
        var api = new ApiOptions();
        var command = new Command("list", "List tokens: name, role, created (never the tokens)");
        api.AddTo(command);
        command.SetAction((parse, ct) => CallAsync(api, parse, stderr, "token list", async http =>
        {
            using var response = await http.GetAsync("/api/tokens", ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                return await RefusedAsync(stderr, "token list", response.StatusCode, text);
            }

            using var json = JsonDocument.Parse(text);
            await stdout.WriteLineAsync($"{"NAME",-24} {"ROLE",-10} {"CREATED",-25} SOURCE");
            foreach (var t in json.RootElement.EnumerateArray())
            {
                var source = t.GetProperty("configured").GetBoolean() ? "configuration" : "api-tokens.json";
                await stdout.WriteLineAsync($"{t.GetProperty("name").GetString(),-24} {t.GetProperty("role").GetString(),-10} {t.GetProperty("createdAt").GetString(),-25} {source}");
            }

            return 0;
        }));
        return command;
    }

    private static Command RevokeCommand(TextWriter stdout, TextWriter stderr)
    {
        var api = new ApiOptions();
        var name = new Argument<string>("name") { Description = "The token to revoke" };
        var command = new Command("revoke", "Revoke a token at once") { name };
        api.AddTo(command);
        command.SetAction((parse, ct) => CallAsync(api, parse, stderr, "token revoke", async http =>
        {
            using var response = await http.DeleteAsync($"/api/tokens/{Uri.EscapeDataString(parse.GetValue(name)!)}", ct);
            if (response.StatusCode != HttpStatusCode.NoContent)
            {
                return await RefusedAsync(stderr, "token revoke", response.StatusCode, await response.Content.ReadAsStringAsync(ct));
            }

            await stdout.WriteLineAsync($"revoked: {parse.GetValue(name)}");
            return 0;
        }));
        return command;
    }

    private static async Task<int> CallAsync(ApiOptions api, ParseResult parse, TextWriter stderr, string what, Func<HttpClient, Task<int>> call)
    {
        using var http = api.CreateClient(parse, TimeSpan.FromSeconds(30), out var error);
        if (http is null)
        {
            await stderr.WriteLineAsync($"edgectl {what}: {error}");
            return 1;
        }

        try
        {
            return await call(http);
        }
        catch (ApiAuthException ex)
        {
            await stderr.WriteLineAsync($"edgectl {what}: {ex.Message}");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            await stderr.WriteLineAsync($"edgectl {what}: cannot reach the controller at {http.BaseAddress}: {ex.Message}");
            return 2;
        }
    }

    private static async Task<int> RefusedAsync(TextWriter stderr, string what, HttpStatusCode status, string body)
    {
        string message;
        try
        {
            using var json = JsonDocument.Parse(body);
            message = json.RootElement.TryGetProperty("detail", out var e) ? e.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            message = body;
        }

        await stderr.WriteLineAsync($"edgectl {what}: refused ({(int)status}): {message}");
        return 1;
    }
}
