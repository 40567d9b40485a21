using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Edge.Ctl.Submit;

/// <summary>
/// <c>edgectl submit FILE</c>: sends a workflow (JSON, as in docs/protocol.md) to <c>POST /api/workflows</c>,
/// replacing <c>@NAME@</c> placeholders given with <c>--set NAME=VALUE</c>. With <c>--wait</c> it follows the run,
/// printing each step's change, and ends with what each step reserved and used (<see cref="RunSummary"/>).
/// Exit code: 0 accepted (and, with --wait, succeeded), 1 refused / failed, 2 the controller could not be reached.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<FileInfo>("file") { Description = "The workflow JSON file" };
        var api = new Api.ApiOptions();
        var set = new Option<string[]>("--set") { Description = "Replace @NAME@ in the file with VALUE (NAME=VALUE; repeatable)", AllowMultipleArgumentsPerToken = true };
        var wait = new Option<bool>("--wait") { Description = "Follow the run until it finishes and print a summary" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait with --wait", DefaultValueFactory = _ => 3600 };
        var command = new Command("submit", "Submit a workflow run (needs a submitter token)") { file, set, wait, timeout };
        api.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await stderr.WriteLineAsync($"edgectl submit: file '{path.FullName}' does not exist");
                return 1;
            }

            var text = await File.ReadAllTextAsync(path.FullName, cancellationToken);
            foreach (var pair in parse.GetValue(set) ?? [])
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    await stderr.WriteLineAsync($"edgectl submit: --set '{pair}' is not NAME=VALUE");
                    return 1;
                }

                text = text.Replace($"@{pair[..eq]}@", JsonEncodedText.Encode(pair[(eq + 1)..]).ToString(), StringComparison.Ordinal);
            }

            using var http = api.CreateClient(parse, TimeSpan.FromSeconds(30), out var clientError);
            if (http is null)
            {
                await stderr.WriteLineAsync($"edgectl submit: {clientError}");
                return 1;
            }

            var baseUri = http.BaseAddress!;
            try
            {
                using var response = await http.PostAsync("/api/workflows", new StringContent(text, Encoding.UTF8, "application/json"), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    await stderr.WriteLineAsync($"edgectl submit: refused ({(int)response.StatusCode}):");
                    foreach (var error in Errors(body))
                    {
                        await stderr.WriteLineAsync($"  - {error}");
                    }

                    return 1;
                }

                var runId = JsonNode.Parse(body)?["runId"]?.GetValue<string>() ?? "?";
                await stdout.WriteLineAsync($"submitted: run {runId} ({baseUri}api/workflows/{runId})");
                if (!parse.GetValue(wait))
                {
                    return 0;
                }

                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(TimeSpan.FromSeconds(parse.GetValue(timeout)));
                var state = await RunFollower.FollowAsync(http, runId, stdout, deadline.Token);
                await stdout.WriteAsync(await RunSummary.RenderAsync(http, runId, cancellationToken));
                return state == "succeeded" ? 0 : 1;
            }
            catch (Api.ApiAuthException ex)
            {
                await stderr.WriteLineAsync($"edgectl submit: {ex.Message}");
                return 1;
            }
            catch (HttpRequestException ex)
            {
                await stderr.WriteLineAsync($"edgectl submit: cannot reach the controller at {baseUri}: {ex.Message}");
                return 2;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await stderr.WriteLineAsync($"edgectl submit: the run did not finish within {parse.GetValue(timeout).ToString(CultureInfo.InvariantCulture)} s");
                return 1;
            }
        });
        return command;
    }

    private static IEnumerable<string> Errors(string body)
    {
        JsonNode? node = null;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
        }

        if (node?["errors"] is JsonArray errors && errors.Count > 0)
        {
            return errors.Select(e => e?.GetValue<string>() ?? "");
        }

        return [node?["detail"]?.GetValue<string>() ?? body];
    }
}
