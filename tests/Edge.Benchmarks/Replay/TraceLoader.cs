using System.Text.Json;
using System.Text.RegularExpressions;

namespace Edge.Benchmarks.Replay;

/// <summary>
/// Reads WfCommons WfInstances files (WfFormat 1.5, see data/wfcommons-wfinstances/SOURCE.md) with
/// what the replay needs: the DAG from <c>workflow.specification.tasks[]</c> (<c>parents</c>), per task
/// <c>runtimeInSeconds</c>, <c>avgCPU</c>, <c>memoryInBytes</c>, <c>coreCount</c> and the machine it ran on
/// (<c>workflow.execution.machines[]</c>: <c>cpu.coreCount</c>, <c>memoryInBytes</c>). Makeflow files give no
/// machine memory; those machines are taken as Chameleon nodes like the Pegasus ones (<see cref="DefaultMachineMemoryBytes"/>).
/// A task's network demand is what it read and wrote over its runtime (at least 1 s), as if every byte crossed the
/// node's link (no shared or local file system): Makeflow records give <c>readBytes</c> and <c>writtenBytes</c> per
/// task; Pegasus records give none, so the sizes (<c>sizeInBytes</c>) of its <c>inputFiles</c> and
/// <c>outputFiles</c> stand for them. Constant over the task (the trace has no time series within a task).
/// </summary>
internal static partial class TraceLoader
{
    /// <summary>The memory the Pegasus Chameleon machines report (131,795,960,000 bytes, 125,690 MiB).</summary>
    public const double DefaultMachineMemoryBytes = 131_795_960_000;

    public static TraceWorkflow Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var workflow = document.RootElement.GetProperty("workflow");
        var execution = workflow.GetProperty("execution");
        var machines = Machines(execution);
        var runs = execution.GetProperty("tasks").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!, StringComparer.Ordinal);
        var specification = workflow.GetProperty("specification");
        var sizes = specification.TryGetProperty("files", out var files)
            ? files.EnumerateArray().GroupBy(f => f.GetProperty("id").GetString()!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Number(g.First(), "sizeInBytes"), StringComparer.Ordinal)
            : [];
        var family = Path.GetRelativePath(FamilyRoot(path), Path.GetDirectoryName(path)!).Replace('\\', '/');
        var tasks = new List<TraceTask>();
        foreach (var spec in specification.GetProperty("tasks").EnumerateArray())
        {
            var id = spec.GetProperty("id").GetString()!;
            var run = runs.TryGetValue(id, out var r) ? r : throw new InvalidDataException($"'{path}': task '{id}' has no execution record");
            var name = spec.TryGetProperty("name", out var n) ? n.GetString()! : id;
            var (cores, memory) = MachineOf(run, machines);
            var slot = Number(run, "coreCount") is > 0 and var c ? c : 1;
            var inputBytes = spec.TryGetProperty("inputFiles", out var inputs) ? inputs.EnumerateArray().Sum(f => sizes.GetValueOrDefault(f.GetString() ?? "")) : 0;
            var outputBytes = spec.TryGetProperty("outputFiles", out var outputs) ? outputs.EnumerateArray().Sum(f => sizes.GetValueOrDefault(f.GetString() ?? "")) : 0;
            var read = run.TryGetProperty("readBytes", out _) ? Number(run, "readBytes") : inputBytes;
            var written = run.TryGetProperty("writtenBytes", out _) ? Number(run, "writtenBytes") : outputBytes;
            var seconds = Math.Max(Number(run, "runtimeInSeconds"), 1);
            tasks.Add(new TraceTask(
                id,
                $"{family}/{IdSuffix().Replace(name, "")}",
                Math.Max(Number(run, "runtimeInSeconds"), 0),
                Math.Max(Number(run, "avgCPU") / 100, 0.001),
                Number(run, "memoryInBytes") / (1024.0 * 1024.0),
                inputBytes,
                spec.TryGetProperty("parents", out var p) ? [.. p.EnumerateArray().Select(x => x.GetString()!)] : [],
                slot,
                memory / (1024.0 * 1024.0) * slot / cores,
                read * 8 / seconds / 1e6,
                written * 8 / seconds / 1e6));
        }

        var file = Path.GetFileNameWithoutExtension(path);
        return new TraceWorkflow(RepetitionSuffix().Replace(file, ""), file, tasks, Number(execution, "makespanInSeconds"));
    }

    /// <summary>The folder holding <c>pegasus/</c>, <c>makeflow/</c> and <c>nextflow/</c>.</summary>
    private static string FamilyRoot(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        while (Path.GetFileName(directory) is not ("pegasus" or "makeflow" or "nextflow") && Path.GetDirectoryName(directory) is { } parent)
        {
            directory = parent;
        }

        return Path.GetDirectoryName(directory) ?? directory;
    }

    private static Dictionary<string, (double Cores, double MemoryBytes)> Machines(JsonElement execution)
    {
        var machines = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        if (execution.TryGetProperty("machines", out var list))
        {
            foreach (var m in list.EnumerateArray())
            {
                var cores = m.TryGetProperty("cpu", out var cpu) ? Number(cpu, "coreCount") : 0;
                var memory = Number(m, "memoryInBytes");
                machines[m.GetProperty("nodeName").GetString()!] = (cores > 0 ? cores : 1, memory > 0 ? memory : DefaultMachineMemoryBytes);
            }
        }

        return machines;
    }

    private static (double Cores, double MemoryBytes) MachineOf(JsonElement run, Dictionary<string, (double Cores, double MemoryBytes)> machines)
    {
        if (run.TryGetProperty("machines", out var names) && names.GetArrayLength() > 0 && machines.TryGetValue(names[0].GetString()!, out var machine))
        {
            return machine;
        }

        return machines.Count > 0 ? machines.Values.First() : (1, DefaultMachineMemoryBytes);
    }

    private static double Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    [GeneratedRegex(@"_ID\d+$")]
    private static partial Regex IdSuffix();

    [GeneratedRegex(@"-\d{3}$")]
    private static partial Regex RepetitionSuffix();
}
