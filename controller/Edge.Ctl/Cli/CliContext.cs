using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Edge.Common.Api;
using Edge.Ctl.Api;

namespace Edge.Ctl.Cli;

/// <summary>
/// What every API command shares: <c>--controller</c> and the token (<see cref="ApiOptions"/>), <c>-o table|json</c>,
/// and one place that turns failures into exit codes (<see cref="CliExit"/>) with a message on stderr.
/// </summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr)
{
    private static readonly JsonSerializerOptions Indented = new(EdgeApiJsonContext.Default.Options) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly EdgeApiJsonContext IndentedContext = new(Indented);

    public ApiOptions Api { get; } = new();

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "table (aligned columns, human units) or json (the API's records)",
        DefaultValueFactory = _ => "table",
    };

    public TextWriter Stdout => stdout;

    public TextWriter Stderr => stderr;

    public EdgeApiJsonContext Json => IndentedContext;

    /// <summary>Adds the shared options to <paramref name="command"/>.</summary>
    public Command With(Command command)
    {
        Api.AddTo(command);
        Output.AcceptOnlyFromAmong("table", "json");
        command.Options.Add(Output);
        return command;
    }

    public bool IsJson(ParseResult parse) => parse.GetValue(Output) == "json";

    /// <summary>Writes <paramref name="value"/> as indented JSON of its API record.</summary>
    public Task WriteJsonAsync<T>(T value, JsonTypeInfo<T> type) => stdout.WriteLineAsync(JsonSerializer.Serialize(value, type));

    /// <summary>Runs <paramref name="call"/> with a client; maps auth failures to 3, 404 to 4, anything else to 1.</summary>
    public async Task<int> RunAsync(ParseResult parse, string what, TimeSpan timeout, Func<EdgeClient, Task<int>> call)
    {
        using var http = Api.CreateClient(parse, timeout, out var error);
        if (http is null)
        {
            await stderr.WriteLineAsync($"edgectl {what}: {error}");
            return CliExit.Usage;
        }

        try
        {
            return await call(new EdgeClient(http));
        }
        catch (ApiAuthException ex)
        {
            await stderr.WriteLineAsync($"edgectl {what}: {ex.Message}");
            return CliExit.Auth;
        }
        catch (ApiException ex)
        {
            await stderr.WriteLineAsync($"edgectl {what}: {ex.Message}");
            return EdgeClient.IsNotFound(ex) ? CliExit.NotFound : CliExit.Error;
        }
        catch (HttpRequestException ex)
        {
            await stderr.WriteLineAsync($"edgectl {what}: cannot reach the controller at {http.BaseAddress}: {ex.Message}");
            return CliExit.Error;
        }
        catch (TaskCanceledException)
        {
            await stderr.WriteLineAsync($"edgectl {what}: the controller at {http.BaseAddress} did not answer within {timeout.TotalSeconds:0} s");
            return CliExit.Error;
        }
    }
}
