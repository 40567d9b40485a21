using System.CommandLine;

namespace Edge.Ctl.Api;

/// <summary><c>--controller</c> (alias <c>--url</c>) and <c>--token-file</c>, shared by every command that calls the controller's API.</summary>
internal sealed class ApiOptions
{
    public Option<string> Url { get; } = new("--controller", "--url") { Description = "The controller's HTTP API (EDGE_URL)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("EDGE_URL") ?? "http://127.0.0.1:8080" };

    public Option<string?> TokenFile { get; } = new("--token-file") { Description = "File holding the API token (else EDGE_TOKEN, EDGE_TOKEN_FILE, /var/lib/edge-controller/admin.token, ./.edge/controller/admin.token)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(TokenFile);
    }

    /// <summary>An authenticated client for the parsed options, or null with <paramref name="error"/> set.</summary>
    public HttpClient? CreateClient(ParseResult parse, TimeSpan timeout, out string? error)
    {
        if (!Uri.TryCreate(parse.GetValue(Url), UriKind.Absolute, out var baseUri))
        {
            error = $"--controller '{parse.GetValue(Url)}' is not an absolute URL";
            return null;
        }

        var token = ApiToken.Resolve(parse.GetValue(TokenFile), out error);
        if (error is not null)
        {
            return null;
        }

        return new HttpClient(new AuthHandler(token)) { BaseAddress = baseUri, Timeout = timeout };
    }
}
