using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Edge.Models.Traces;

/// <summary>
/// Reads WfCommons WfInstances JSON (WfFormat 1.x) from a folder. A series is one component = the instance's folder
/// (e.g. <c>makeflow/blast</c>) plus the task's category: the specification's <c>category</c> when present, else its
/// <c>name</c> without the <c>_ID000001</c> suffix; for Nextflow the last dot-separated part of the process name, so
/// the same step (e.g. <c>FASTQC</c>) is one component across pipelines. Each task is one sample (a run) stamped with
/// its instance's <c>executedAt</c>, so all tasks of a run share a timestamp and a decision made before the run sees
/// earlier runs only. Memory MiB = memoryInBytes / 2^20; CPU cores = avgCPU / 100. Tasks without the measure are left
/// out of that resource's series. Each task's input size is the sum of <c>sizeInBytes</c> of its specification's
/// <c>inputFiles</c> (looked up in <c>workflow.specification.files</c>; unknown files count 0), kept in
/// <see cref="UsageSeries.InputBytes"/>. Network Mbps = max(readBytes, writtenBytes) · 8 / runtimeInSeconds / 10^6:
/// the task's mean I/O rate in its busier direction (Makeflow and Nextflow record the bytes, Pegasus does not), the
/// traffic it would put on a node's link if its files were staged over the network, in the quantity the controller
/// learns and caps per direction; tasks without both counters or with no runtime are left out.
/// </summary>
public static partial class WfInstancesReader
{
    public static TraceLoadResult Read(string directory, IReadOnlyCollection<ResourceKind> resources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var log = new TraceIssueLog();
        var tasks = new List<WfTask>();
        var files = TraceFiles.List(directory, ".json");
        var read = 0;
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var stream = File.OpenRead(file);
                using var document = JsonDocument.Parse(stream);
                var family = Family(directory, file);
                if (ReadInstance(document.RootElement, family, file, tasks, log))
                {
                    read++;
                }
            }
            catch (JsonException ex)
            {
                log.BadFile(file, $"line {ex.LineNumber + 1}: invalid JSON: {ex.Message}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException or KeyNotFoundException)
            {
                log.BadFile(file, ex.Message);
            }
        }

        return new TraceLoadResult(BuildSeries(tasks, resources), log.Issues, read, log.FilesSkipped, log.LinesSkipped);
    }

    private static List<UsageSeries> BuildSeries(List<WfTask> tasks, IReadOnlyCollection<ResourceKind> resources)
    {
        var series = new List<UsageSeries>();
        foreach (var group in tasks.GroupBy(t => t.Component).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(t => t.StartS).ThenBy(t => t.Instance, StringComparer.Ordinal).ThenBy(t => t.Order).ToList();
            foreach (var resource in resources)
            {
                double? Value(WfTask t) => resource switch
                {
                    ResourceKind.Cpu => t.Cpu,
                    ResourceKind.Memory => t.MemoryMiB,
                    _ => t.NetworkMbps,
                };
                var with = ordered.Where(t => Value(t) is not null).ToList();
                if (with.Count == 0)
                {
                    continue;
                }

                series.Add(new UsageSeries(
                    group.Key,
                    resource,
                    [.. with.Select(t => t.StartS)],
                    [.. with.Select(t => Value(t)!.Value)])
                {
                    SamplesAreRuns = true,
                    DurationsS = [.. with.Select(t => t.RuntimeS)],
                    InputBytes = [.. with.Select(t => t.InputBytes)],
                });
            }
        }

        return series;
    }

    private static bool ReadInstance(JsonElement root, string family, string file, List<WfTask> tasks, TraceIssueLog log)
    {
        var workflow = root.GetProperty("workflow");
        var execution = workflow.GetProperty("execution");
        var executedAt = execution.TryGetProperty("executedAt", out var at) ? at.GetString() : null;
        if (!TryParseTime(executedAt, out var startS))
        {
            log.BadFile(file, $"workflow.execution.executedAt is not a date: '{executedAt}'");
            return false;
        }

        var categories = new Dictionary<string, string>(StringComparer.Ordinal);
        var inputs = new Dictionary<string, double>(StringComparer.Ordinal);
        if (workflow.TryGetProperty("specification", out var spec) && spec.TryGetProperty("tasks", out var specTasks))
        {
            var sizes = FileSizes(spec);
            foreach (var t in specTasks.EnumerateArray())
            {
                var id = t.GetProperty("id").GetString() ?? "";
                var category = t.TryGetProperty("category", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                categories[id] = category ?? (t.TryGetProperty("name", out var n) ? n.GetString() : null) ?? id;
                inputs[id] = InputBytes(t, sizes);
            }
        }

        var order = 0;
        foreach (var t in execution.GetProperty("tasks").EnumerateArray())
        {
            order++;
            if (!t.TryGetProperty("id", out var idElement) || idElement.GetString() is not { } id)
            {
                log.BadLine(file, 0, $"execution task #{order} has no id");
                continue;
            }

            var component = $"{family}/{Category(family, categories.GetValueOrDefault(id, id))}";
            double? memory = t.TryGetProperty("memoryInBytes", out var m) && m.TryGetDouble(out var bytes) && bytes > 0 ? bytes / (1024.0 * 1024.0) : null;
            double? cpu = t.TryGetProperty("avgCPU", out var c) && c.TryGetDouble(out var pct) && pct >= 0 ? pct / 100.0 : null;
            var runtime = t.TryGetProperty("runtimeInSeconds", out var r) && r.TryGetDouble(out var rs) ? rs : 0;
            double? network = runtime > 0
                && t.TryGetProperty("readBytes", out var rb) && rb.TryGetDouble(out var read) && read >= 0
                && t.TryGetProperty("writtenBytes", out var wb) && wb.TryGetDouble(out var written) && written >= 0
                ? Math.Max(read, written) * 8 / runtime / 1e6
                : null;
            tasks.Add(new WfTask(component, startS, file, order, cpu, memory, runtime, inputs.GetValueOrDefault(id), network));
        }

        return true;
    }

    private static Dictionary<string, double> FileSizes(JsonElement spec)
    {
        var sizes = new Dictionary<string, double>(StringComparer.Ordinal);
        if (spec.TryGetProperty("files", out var files) && files.ValueKind == JsonValueKind.Array)
        {
            foreach (var f in files.EnumerateArray())
            {
                if (f.TryGetProperty("id", out var id) && id.GetString() is { } name
                    && f.TryGetProperty("sizeInBytes", out var size) && size.TryGetDouble(out var bytes) && bytes >= 0)
                {
                    sizes[name] = bytes;
                }
            }
        }

        return sizes;
    }

    private static double InputBytes(JsonElement task, Dictionary<string, double> sizes)
    {
        var total = 0.0;
        if (task.TryGetProperty("inputFiles", out var files) && files.ValueKind == JsonValueKind.Array)
        {
            foreach (var f in files.EnumerateArray())
            {
                total += f.ValueKind == JsonValueKind.String && f.GetString() is { } name ? sizes.GetValueOrDefault(name) : 0;
            }
        }

        return total;
    }

    private static string Category(string family, string name)
    {
        var stripped = IdSuffix().Replace(name, "");
        if (family.StartsWith("nextflow", StringComparison.Ordinal))
        {
            var dot = stripped.LastIndexOf('.');
            stripped = StepNumberSuffix().Replace(dot >= 0 ? stripped[(dot + 1)..] : stripped, "");
        }

        return stripped;
    }

    private static string Family(string root, string file)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(file)) ?? "";
        var relative = File.Exists(root) ? Path.GetFileName(directory) : Path.GetRelativePath(Path.GetFullPath(root), directory);
        return relative == "." ? Path.GetFileName(directory) : relative.Replace('\\', '/');
    }

    private static bool TryParseTime(string? text, out long unixS)
    {
        unixS = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        // Pegasus instances write MM-dd-yy or compact ISO 8601 with a +hhmm offset; the others ISO 8601.
        if (CompactOffset().IsMatch(text))
        {
            text = text[..^2] + ":" + text[^2..];
        }

        string[] formats = ["yyyyMMddTHHmmsszzz", "yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz", "yyyy-MM-ddTHH:mm:ssZ", "MM-dd-yyTHH:mm:ssZ", "yyyy-MM-dd HH:mm:ss"];
        if (DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed))
        {
            unixS = parsed.ToUnixTimeSeconds();
            return true;
        }

        return false;
    }

    [GeneratedRegex("^[0-9]{8}T[0-9]{6}[+-][0-9]{4}$")]
    private static partial Regex CompactOffset();

    [GeneratedRegex("_ID[0-9]+$")]
    private static partial Regex IdSuffix();

    [GeneratedRegex("_[0-9]+$")]
    private static partial Regex StepNumberSuffix();
}
