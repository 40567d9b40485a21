using System.Text.Json;
using System.Text.RegularExpressions;

namespace Edge.Benchmarks.Placement;

/// <summary>
/// Reads WfCommons WfInstances files (WfFormat 1.5; see data/wfcommons-wfinstances/SOURCE.md):
/// <c>workflow.specification.tasks[]</c> for ids, names and parents, <c>workflow.execution.tasks[]</c> for
/// runtimeInSeconds, avgCPU and memoryInBytes. Files where under 90% of tasks carry memory are skipped.
/// </summary>
internal static partial class WfInstanceReader
{
    public static List<WfWorkflow> ReadAll(string root, out List<string> skipped)
    {
        var workflows = new List<WfWorkflow>();
        skipped = [];
        foreach (var path in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var family = Path.GetRelativePath(root, Path.GetDirectoryName(path)!).Replace('\\', '/');
            var workflow = Read(path, family);
            if (workflow.Tasks.Count(t => t.MemoryMiB > 0) < 0.9 * workflow.Tasks.Count)
            {
                skipped.Add(Path.GetRelativePath(root, path));
                continue;
            }

            workflows.Add(workflow);
        }

        return workflows;
    }

    public static WfWorkflow Read(string path, string family)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var workflow = document.RootElement.GetProperty("workflow");
        var specification = workflow.GetProperty("specification").GetProperty("tasks");
        var execution = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var task in workflow.GetProperty("execution").GetProperty("tasks").EnumerateArray())
        {
            execution[task.GetProperty("id").GetString()!] = task;
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var specs = specification.EnumerateArray().ToList();
        for (var i = 0; i < specs.Count; i++)
        {
            index[specs[i].GetProperty("id").GetString()!] = i;
        }

        var tasks = specs.Select(spec =>
        {
            var id = spec.GetProperty("id").GetString()!;
            var name = spec.TryGetProperty("name", out var n) ? n.GetString()! : id;
            var run = execution.TryGetValue(id, out var e) ? e : throw new InvalidDataException($"'{path}': task '{id}' has no execution record");
            var parents = spec.TryGetProperty("parents", out var p) ? p.EnumerateArray().Select(x => index[x.GetString()!]).ToArray() : [];
            return new WfTask(
                $"{family}/{Suffix().Replace(name, "")}",
                Math.Max(Number(run, "runtimeInSeconds"), 0.01),
                Math.Max(Number(run, "avgCPU") * 10, 10),
                Number(run, "memoryInBytes") / (1024.0 * 1024.0),
                parents);
        }).ToList();
        return new WfWorkflow(Path.GetFileNameWithoutExtension(path), tasks);
    }

    private static double Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    [GeneratedRegex(@"_ID\d+$")]
    private static partial Regex Suffix();
}
