using Edge.Common.Contracts;

namespace Edge.Controller.Workflows;

/// <summary>
/// Checks a submitted DAG before anything runs and reports every problem at once, each naming the offending step,
/// dependency or command: no steps, bad or duplicate ids, unknown or self dependencies, cycles (with the cycle's
/// path), commands that are not on the allow-list, and environments the environment policy refuses.
/// </summary>
internal static class WorkflowValidator
{
    /// <summary>Most steps one run may have.</summary>
    public const int MaxSteps = 10_000;

    /// <summary>Every problem, commands and environments checked against <paramref name="launch"/>.</summary>
    public static IReadOnlyList<string> Validate(WorkflowSubmission submission, Placement.LaunchPolicy launch) =>
        Validate(submission, launch.IsCommandAllowed, launch.Environment);

    public static IReadOnlyList<string> Validate(WorkflowSubmission submission, Func<string, bool> isCommandAllowed, EnvironmentPolicy? environment = null)
    {
        var errors = new List<string>();
        if (!IdValidator.IsValidSegment(submission.WorkflowId, out var workflowError))
        {
            errors.Add($"workflowId: {workflowError}");
        }

        if (submission.RunId is { } runId && !IdValidator.IsValidSegment(runId, out var runError))
        {
            errors.Add($"runId: {runError}");
        }

        if (submission.Steps is null || submission.Steps.Count == 0)
        {
            errors.Add("steps: a workflow needs at least one step");
            return errors;
        }

        if (submission.Steps.Count > MaxSteps)
        {
            errors.Add($"steps: {submission.Steps.Count} steps, more than the limit of {MaxSteps}");
            return errors;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in submission.Steps)
        {
            CheckStep(step, ids, isCommandAllowed, errors);
            if (environment?.Check(step.Env) is { } envError)
            {
                errors.Add($"step '{step.Id}' env: {envError}");
            }
        }

        foreach (var step in submission.Steps)
        {
            foreach (var dependency in step.DependsOn ?? [])
            {
                if (dependency == step.Id)
                {
                    errors.Add($"step '{step.Id}' depends on itself");
                }
                else if (!ids.Contains(dependency))
                {
                    errors.Add($"step '{step.Id}' depends on unknown step '{dependency}'");
                }
            }
        }

        if (errors.Count == 0 && FindCycle(submission.Steps) is { } cycle)
        {
            errors.Add($"the workflow has a cycle: {string.Join(" -> ", cycle)}");
        }

        return errors;
    }

    private static void CheckStep(WorkflowStep step, HashSet<string> ids, Func<string, bool> isCommandAllowed, List<string> errors)
    {
        if (!IdValidator.IsValidSegment(step.Id, out var idError))
        {
            errors.Add($"step id: {idError}");
        }
        else if (!ids.Add(step.Id))
        {
            errors.Add($"step id '{step.Id}' is used more than once");
        }

        if (!IdValidator.IsValidComponentId(step.ComponentId, out var componentError))
        {
            errors.Add($"step '{step.Id}' componentId: {componentError}");
        }

        if (string.IsNullOrWhiteSpace(step.Command))
        {
            errors.Add($"step '{step.Id}' has no command");
        }
        else if (!isCommandAllowed(step.Command))
        {
            errors.Add($"step '{step.Id}' command '{step.Command}' is not on the allow-list");
        }
    }

    /// <summary>Iterative three-colour DFS; returns one cycle as a path that starts and ends at the same step.</summary>
    private static List<string>? FindCycle(IReadOnlyList<WorkflowStep> steps)
    {
        var byId = steps.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var colour = new Dictionary<string, int>(StringComparer.Ordinal);
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var start in steps)
        {
            if (colour.GetValueOrDefault(start.Id) != 0)
            {
                continue;
            }

            var stack = new Stack<(string Id, int Next)>();
            stack.Push((start.Id, 0));
            colour[start.Id] = 1;
            while (stack.Count > 0)
            {
                var (id, next) = stack.Pop();
                var deps = byId[id].DependsOn ?? [];
                if (next >= deps.Count)
                {
                    colour[id] = 2;
                    continue;
                }

                stack.Push((id, next + 1));
                var dep = deps[next];
                switch (colour.GetValueOrDefault(dep))
                {
                    case 0:
                        colour[dep] = 1;
                        parent[dep] = id;
                        stack.Push((dep, 0));
                        break;
                    case 1:
                        return CyclePath(dep, id, parent);
                }
            }
        }

        return null;
    }

    private static List<string> CyclePath(string head, string tail, Dictionary<string, string> parent)
    {
        // tail depends on head, and head reaches tail through parent links: head -> ... -> tail -> head.
        var path = new List<string> { tail };
        var at = tail;
        while (at != head)
        {
            at = parent[at];
            path.Add(at);
        }

        path.Reverse();
        path.Add(head);
        return path;
    }
}
