using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edge.Common.Api;
using Edge.Common.Contracts;
using Edge.Ctl.Cli;

namespace Edge.Ctl.Submit;

/// <summary>
/// <c>edgectl submit FILE</c>: sends a workflow (JSON, as in docs/protocol.md) to <c>POST /api/workflows</c>,
/// replacing <c>@NAME@</c> placeholders given with <c>--set NAME=VALUE</c>. With <c>--wait</c> it follows the run,
/// printing each step's change, and ends with what each step reserved and used (<see cref="RunSummary"/>).
/// Exit code: 0 accepted (and, with --wait, succeeded), 1 refused / failed / unreachable, 2 usage, 3 auth (<see cref="CliExit"/>).
/// </summary>
internal static class SubmitCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<FileInfo>("file") { Description = "The workflow JSON file" };
        var cli = new CliContext(stdout, stderr);
        var set = new Option<string[]>("--set") { Description = "Replace @NAME@ in the file with VALUE (NAME=VALUE; repeatable)", AllowMultipleArgumentsPerToken = true };
        var wait = new Option<bool>("--wait") { Description = "Follow the run until it finishes and print a summary" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait with --wait", DefaultValueFactory = _ => 3600 };
        var command = new Command("submit", "Submit a workflow run (needs a submitter token)") { file, set, wait, timeout };
        cli.Api.AddTo(command);
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

            return await cli.RunAsync(parse, "submit", TimeSpan.FromSeconds(30), async client =>
            {
                using var response = await client.Http.PostAsync("/api/workflows", new StringContent(text, Encoding.UTF8, "application/json"), cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    await stderr.WriteLineAsync($"edgectl submit: refused ({(int)response.StatusCode}):");
                    foreach (var error in await ErrorsAsync(response, cancellationToken))
                    {
                        await stderr.WriteLineAsync($"  - {error}");
                    }

                    return CliExit.Error;
                }

                var submitted = await response.Content.ReadFromJsonAsync(EdgeApiJsonContext.Default.SubmitResponse, cancellationToken);
                var runId = submitted?.RunId ?? "?";
                await stdout.WriteLineAsync($"submitted: run {runId} ({client.Http.BaseAddress}api/workflows/{runId})");
                if (!parse.GetValue(wait))
                {
                    return CliExit.Ok;
                }

                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(TimeSpan.FromSeconds(parse.GetValue(timeout)));
                try
                {
                    var state = await RunFollower.FollowAsync(client, runId, stdout, deadline.Token);
                    await stdout.WriteAsync(await RunSummary.RenderAsync(client, runId, cancellationToken));
                    return state == WorkflowStepState.Succeeded ? CliExit.Ok : CliExit.Error;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await stderr.WriteLineAsync($"edgectl submit: the run did not finish within {parse.GetValue(timeout).ToString(CultureInfo.InvariantCulture)} s");
                    return CliExit.Error;
                }
            });
        });
        return command;
    }

    /// <summary>A refused submission's reasons: the problem's <c>errors</c>, else its detail.</summary>
    private static async Task<IReadOnlyList<string>> ErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            if (JsonSerializer.Deserialize(body, EdgeApiJsonContext.Default.ApiProblem) is { } problem)
            {
                return problem.Errors is { Count: > 0 } errors ? errors : [problem.Detail ?? body];
            }
        }
        catch (JsonException)
        {
        }

        return [body];
    }
}
