namespace Edge.Controller.Workflows;

/// <summary>
/// The critical path method (J. E. Kelley and M. R. Walker, "Critical-path planning and scheduling", Proc. Eastern
/// Joint Computer Conference, 1959) over a workflow run's DAG: a forward pass gives each step's earliest start and
/// finish from its dependencies, a backward pass its latest start that does not delay the run, their difference is
/// its slack, and the predicted makespan is the latest earliest finish. The critical path reported is one chain of
/// zero-slack steps from a source to the step that ends last (ties: the longer step, then submission order), so that
/// equal parallel branches do not all count as critical. Pure: durations in, plan out.
/// </summary>
internal static class WorkflowPlanner
{
    /// <summary>One step to plan: its id, dependencies and duration in seconds (predicted, elapsed or actual).</summary>
    public readonly record struct Input(string Id, IReadOnlyList<string> DependsOn, double DurationSeconds);

    /// <summary>A step's place in the plan (seconds from the run's start).</summary>
    public readonly record struct Slot(double EarliestStart, double EarliestFinish, double LatestStart, double Slack, bool Critical);

    public sealed record Plan(IReadOnlyDictionary<string, Slot> Steps, IReadOnlyList<string> CriticalPath, double MakespanSeconds);

    /// <summary>Plans the steps (an acyclic graph whose dependencies are all among them, as the validator ensures).</summary>
    public static Plan Compute(IReadOnlyList<Input> steps)
    {
        var index = new Dictionary<string, int>(steps.Count, StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            index[steps[i].Id] = i;
        }

        var successors = new List<int>[steps.Count];
        var indegree = new int[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            successors[i] = [];
        }

        for (var i = 0; i < steps.Count; i++)
        {
            foreach (var dependency in steps[i].DependsOn)
            {
                if (index.TryGetValue(dependency, out var d))
                {
                    successors[d].Add(i);
                    indegree[i]++;
                }
            }
        }

        // Kahn's topological order; submission order among steps ready at once.
        var order = new List<int>(steps.Count);
        var ready = new Queue<int>(Enumerable.Range(0, steps.Count).Where(i => indegree[i] == 0));
        while (ready.Count > 0)
        {
            var i = ready.Dequeue();
            order.Add(i);
            foreach (var s in successors[i])
            {
                if (--indegree[s] == 0)
                {
                    ready.Enqueue(s);
                }
            }
        }

        if (order.Count != steps.Count)
        {
            throw new ArgumentException("the steps' dependencies contain a cycle", nameof(steps));
        }

        var duration = steps.Select(s => double.IsFinite(s.DurationSeconds) ? Math.Max(s.DurationSeconds, 0) : 0).ToArray();
        var es = new double[steps.Count];
        var ef = new double[steps.Count];
        foreach (var i in order)
        {
            ef[i] = es[i] + duration[i];
            foreach (var s in successors[i])
            {
                es[s] = Math.Max(es[s], ef[i]);
            }
        }

        var makespan = steps.Count == 0 ? 0 : ef.Max();
        var lf = Enumerable.Repeat(makespan, steps.Count).ToArray();
        var ls = new double[steps.Count];
        for (var k = order.Count - 1; k >= 0; k--)
        {
            var i = order[k];
            foreach (var s in successors[i])
            {
                lf[i] = Math.Min(lf[i], ls[s]);
            }

            ls[i] = lf[i] - duration[i];
        }

        var epsilon = 1e-9 * Math.Max(1, makespan);
        var path = new List<int>();
        if (steps.Count > 0)
        {
            // Walk back from the step that ends last through the dependency that ends last (zero slack on both).
            var current = Enumerable.Range(0, steps.Count).Where(i => ef[i] >= makespan - epsilon)
                .OrderByDescending(i => duration[i]).ThenBy(i => i).First();
            path.Add(current);
            while (true)
            {
                var previous = steps[current].DependsOn.Where(index.ContainsKey).Select(d => index[d])
                    .Where(d => Math.Abs(ef[d] - es[current]) <= epsilon && ls[d] - es[d] <= epsilon)
                    .OrderByDescending(d => duration[d]).ThenBy(d => d).Cast<int?>().FirstOrDefault();
                if (previous is not { } p)
                {
                    break;
                }

                path.Add(p);
                current = p;
            }

            path.Reverse();
        }

        var onPath = path.ToHashSet();
        var slots = new Dictionary<string, Slot>(steps.Count, StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            slots[steps[i].Id] = new Slot(es[i], ef[i], ls[i], Math.Max(0, ls[i] - es[i]), onPath.Contains(i));
        }

        return new Plan(slots, [.. path.Select(i => steps[i].Id)], makespan);
    }
}
