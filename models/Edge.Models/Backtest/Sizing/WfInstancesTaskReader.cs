using System.Text.Json;
using System.Text.RegularExpressions;
using Edge.Models.Traces;

namespace Edge.Models.Backtest.Sizing;

/// <summary>
/// Reads WfCommons WfInstances JSON (data/wfcommons-wfinstances/SOURCE.md) as sizing tasks. The workflow is the
/// pipeline for Nextflow instances (the file name up to its first <c>-</c>: <c>rnaseq-dirt02-001.json</c> →
/// <c>rnaseq</c>) and the folder for the others (<c>makeflow/blast</c>); the task type is the specification's
/// <c>category</c>, else its <c>name</c> without an <c>_ID000001</c> suffix (for Nextflow, the full process name).
/// With poolModules the Nextflow tasks of every pipeline form one workflow <c>nf-core</c> whose
/// task types are the module names (the last part: <c>SAMTOOLS_SORT</c>), so a tool shared by pipelines has enough
/// instances. Peak = <c>memoryInBytes</c>; runtime = <c>runtimeInSeconds</c>; input size = <c>readBytes</c> (Nextflow's
/// rchar) when given, else the sum of the input files' sizes. Tasks without memory are left out. WfInstances do not
/// record the requested memory.
/// </summary>
public static partial class WfInstancesTaskReader
{
    /// <summary>The Nextflow workflow name when modules are pooled.</summary>
    public const string PooledWorkflow = "nf-core";

    public static SizingTaskSet Read(IEnumerable<string> paths, bool poolModules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var log = new TraceIssueLog();
        var tasks = new List<SizingTask>();
        var read = 0;
        foreach (var root in paths)
        {
            foreach (var file in TraceFiles.List(root, ".json"))
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    using var stream = File.OpenRead(file);
                    using var document = JsonDocument.Parse(stream);
                    ReadInstance(document.RootElement, Family(root, file), file, poolModules, tasks, log);
                    read++;
                }
                catch (JsonException ex)
                {
                    log.BadFile(file, $"line {ex.LineNumber + 1}: invalid JSON: {ex.Message}");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or KeyNotFoundException)
                {
                    log.BadFile(file, ex.Message);
                }
            }
        }

        return new SizingTaskSet(tasks, log.Issues, read, log.FilesSkipped, log.LinesSkipped);
    }

    private static void ReadInstance(JsonElement root, string family, string file, bool poolModules, List<SizingTask> tasks, TraceIssueLog log)
    {
        var workflowElement = root.GetProperty("workflow");
        var nextflow = family.Split('/')[0] == "nextflow";
        var workflow = nextflow ? (poolModules ? PooledWorkflow : Path.GetFileName(file).Split('-')[0]) : family;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var inputs = new Dictionary<string, double>(StringComparer.Ordinal);
        if (workflowElement.TryGetProperty("specification", out var spec) && spec.TryGetProperty("tasks", out var specTasks))
        {
            var sizes = new Dictionary<string, double>(StringComparer.Ordinal);
            if (spec.TryGetProperty("files", out var files) && files.ValueKind == JsonValueKind.Array)
            {
                foreach (var f in files.EnumerateArray())
                {
                    if (f.TryGetProperty("id", out var id) && id.GetString() is { } fileId && f.TryGetProperty("sizeInBytes", out var size) && size.TryGetDouble(out var bytes))
                    {
                        sizes[fileId] = bytes;
                    }
                }
            }

            foreach (var t in specTasks.EnumerateArray())
            {
                var id = t.GetProperty("id").GetString() ?? "";
                var category = t.TryGetProperty("category", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                names[id] = category ?? (t.TryGetProperty("name", out var n) ? n.GetString() : null) ?? id;
                var total = 0.0;
                if (t.TryGetProperty("inputFiles", out var inputFiles) && inputFiles.ValueKind == JsonValueKind.Array)
                {
                    foreach (var f in inputFiles.EnumerateArray())
                    {
                        total += f.ValueKind == JsonValueKind.String && f.GetString() is { } fileName ? sizes.GetValueOrDefault(fileName) : 0;
                    }
                }

                inputs[id] = total;
            }
        }

        var order = 0;
        foreach (var t in workflowElement.GetProperty("execution").GetProperty("tasks").EnumerateArray())
        {
            order++;
            if (!t.TryGetProperty("id", out var idElement) || idElement.GetString() is not { } id)
            {
                log.BadLine(file, 0, $"execution task #{order} has no id");
                continue;
            }

            if (!t.TryGetProperty("memoryInBytes", out var m) || !m.TryGetDouble(out var bytes) || bytes <= 0)
            {
                continue;
            }

            var runtime = t.TryGetProperty("runtimeInSeconds", out var r) && r.TryGetDouble(out var rs) ? rs : 0;
            var input = t.TryGetProperty("readBytes", out var rb) && rb.TryGetDouble(out var read) && read >= 0 ? read : inputs.GetValueOrDefault(id);
            var name = IdSuffix().Replace(names.GetValueOrDefault(id, id), "");
            if (nextflow && poolModules)
            {
                var dot = name.LastIndexOf('.');
                name = dot >= 0 ? name[(dot + 1)..] : name;
            }

            tasks.Add(new SizingTask(workflow, name, bytes / (1024.0 * 1024.0), Math.Max(runtime, 0.001), input));
        }
    }

    private static string Family(string root, string file)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(file)) ?? "";
        var relative = File.Exists(root) ? Path.GetFileName(directory) : Path.GetRelativePath(Path.GetFullPath(root), directory);
        return relative == "." ? Path.GetFileName(directory) : relative.Replace('\\', '/');
    }

    [GeneratedRegex("_ID[0-9]+$")]
    private static partial Regex IdSuffix();
}
