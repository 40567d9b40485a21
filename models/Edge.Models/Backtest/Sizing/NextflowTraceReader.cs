using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Edge.Models.Traces;

namespace Edge.Models.Backtest.Sizing;

/// <summary>
/// Reads Nextflow trace files (<c>-with-trace</c>, <c>trace.txt</c>): tab-separated by default, or any
/// <c>trace.sep</c> such as <c>,</c> (detected from the header), with whatever <c>trace.fields</c> the run recorded.
/// Field names and meanings follow Nextflow's trace reference (https://docs.seqera.io/nextflow/reference/config/trace,
/// https://nextflow.io/docs/latest/reports.html#trace-file). Values are read in both of Nextflow's renderings:
/// human-readable (memory <c>1.2 GB</c>, <c>345 MB</c>, <c>512 KB</c>, <c>100 B</c> in powers of 1024, Nextflow's
/// <c>MemoryUnit</c>; durations <c>1h 2m 3s</c>, <c>4.5s</c>, <c>300ms</c>, <c>1d 2h</c>; <c>85.3%</c>) and
/// <c>trace.raw = true</c> (bytes, milliseconds, plain numbers); <c>-</c> or empty means not recorded.
/// <para>
/// Needed per task: the process (<c>process</c>, else <c>name</c> without its <c> (tag)</c>), the peak memory
/// (<c>peak_rss</c>, else <c>rss</c>) and the runtime (<c>realtime</c>, else <c>duration</c>). Optional: <c>rchar</c>
/// (the input size; 0 without it), <c>memory</c> (the requested memory, for the presets), <c>status</c> (only
/// COMPLETED and CACHED tasks are kept: a failed attempt's peak is not its need). A file missing a needed column is
/// skipped with an issue naming the file and the column; a row with a bad value is skipped with an issue naming the
/// file, line, column and value. The workflow is the first part of a fully qualified process name
/// (<c>NFCORE_RNASEQ:RNASEQ:FASTQC</c> → <c>NFCORE_RNASEQ</c>), else the file's name.
/// </para>
/// </summary>
public static partial class NextflowTraceReader
{
    /// <summary>Reads every <c>.txt</c>, <c>.tsv</c>, <c>.csv</c> (optionally <c>.gz</c>) file of each path (a file or a folder).</summary>
    public static SizingTaskSet Read(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var log = new TraceIssueLog();
        var tasks = new List<SizingTask>();
        var read = 0;
        foreach (var path in paths)
        {
            foreach (var file in TraceFiles.List(path, ".txt", ".tsv", ".csv", ".txt.gz", ".tsv.gz", ".csv.gz"))
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    using var reader = TraceFiles.OpenText(file);
                    if (ReadFile(reader, file, tasks, log))
                    {
                        read++;
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    log.BadFile(file, ex.Message);
                }
            }
        }

        return new SizingTaskSet(tasks, log.Issues, read, log.FilesSkipped, log.LinesSkipped);
    }

    /// <summary>Reads one trace from <paramref name="reader"/>; <paramref name="file"/> names it in issues.</summary>
    internal static bool ReadFile(TextReader reader, string file, List<SizingTask> tasks, TraceIssueLog log)
    {
        var header = reader.ReadLine();
        if (string.IsNullOrWhiteSpace(header))
        {
            log.BadFile(file, "empty file: no header line");
            return false;
        }

        var separator = header.Contains('\t', StringComparison.Ordinal) ? '\t' : header.Contains(',', StringComparison.Ordinal) ? ',' : '\t';
        var columns = Split(header, separator).Select(c => c.Trim()).ToList();
        int Column(string name) => columns.FindIndex(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
        var process = Column("process");
        var name = Column("name");
        var peak = Column("peak_rss") is >= 0 and var p ? p : Column("rss");
        var runtime = Column("realtime") is >= 0 and var r ? r : Column("duration");
        var missing = new List<string>();
        if (process < 0 && name < 0)
        {
            missing.Add("process (or name)");
        }

        if (peak < 0)
        {
            missing.Add("peak_rss (or rss)");
        }

        if (runtime < 0)
        {
            missing.Add("realtime (or duration)");
        }

        if (missing.Count > 0)
        {
            log.BadFile(file, $"not a usable Nextflow trace: missing column(s) {string.Join(", ", missing)}; header has: {string.Join(", ", columns)}");
            return false;
        }

        var rchar = Column("rchar");
        var memory = Column("memory");
        var status = Column("status");
        var fileWorkflow = TraceFiles.SeriesName(file);
        var lineNo = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var cells = Split(line, separator);
            string Cell(int i) => i >= 0 && i < cells.Count ? cells[i].Trim() : "";
            if (cells.Count < columns.Count)
            {
                log.BadLine(file, lineNo, $"{cells.Count} fields, the header has {columns.Count}");
                continue;
            }

            if (status >= 0 && Cell(status) is { Length: > 0 } s && !s.Equals("COMPLETED", StringComparison.OrdinalIgnoreCase) && !s.Equals("CACHED", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var processName = process >= 0 && Cell(process) is { Length: > 0 } and not "-" ? Cell(process) : StripTag(Cell(name));
            if (processName.Length == 0 || processName == "-")
            {
                log.BadLine(file, lineNo, $"column {columns[process >= 0 ? process : name]}: no process name");
                continue;
            }

            if (!TryMemoryBytes(Cell(peak), out var peakBytes) || peakBytes is not > 0)
            {
                log.BadLine(file, lineNo, $"column {columns[peak]}: '{Cell(peak)}' is not a memory size above 0");
                continue;
            }

            if (!TryDurationMs(Cell(runtime), out var runtimeMs) || runtimeMs is not >= 0)
            {
                log.BadLine(file, lineNo, $"column {columns[runtime]}: '{Cell(runtime)}' is not a duration");
                continue;
            }

            double? input = 0;
            if (rchar >= 0 && !TryMemoryBytes(Cell(rchar), out input))
            {
                log.BadLine(file, lineNo, $"column {columns[rchar]}: '{Cell(rchar)}' is not a byte count");
                continue;
            }

            double? requested = null;
            if (memory >= 0 && !TryMemoryBytes(Cell(memory), out requested))
            {
                log.BadLine(file, lineNo, $"column {columns[memory]}: '{Cell(memory)}' is not a memory size");
                continue;
            }

            var colon = processName.IndexOf(':', StringComparison.Ordinal);
            var workflow = colon > 0 ? processName[..colon] : fileWorkflow;
            tasks.Add(new SizingTask(
                workflow,
                processName,
                peakBytes.Value / (1024.0 * 1024.0),
                Math.Max(runtimeMs!.Value / 1000.0, 0.001),
                input ?? 0,
                requested is > 0 ? requested.Value / (1024.0 * 1024.0) : null));
        }

        return true;
    }

    /// <summary>
    /// A memory size in bytes: a raw number (<c>trace.raw</c>) or a number with Nextflow's unit B, KB, MB, GB, TB, PB
    /// (powers of 1024). <c>-</c> or empty: true with null (not recorded).
    /// </summary>
    public static bool TryMemoryBytes(string text, out double? bytes)
    {
        bytes = null;
        text = text.Trim();
        if (text.Length == 0 || text == "-")
        {
            return true;
        }

        var match = MemoryPattern().Match(text);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var unit = match.Groups[2].Value.ToUpperInvariant();
        var power = unit switch
        {
            "" or "B" => 0,
            "KB" or "K" => 1,
            "MB" or "M" => 2,
            "GB" or "G" => 3,
            "TB" or "T" => 4,
            "PB" or "P" => 5,
            _ => -1,
        };
        if (power < 0)
        {
            return false;
        }

        bytes = value * Math.Pow(1024, power);
        return true;
    }

    /// <summary>
    /// A duration in milliseconds: a raw number (<c>trace.raw</c>, ms) or Nextflow's <c>1d 2h 3m 4s</c>, <c>4.5s</c>,
    /// <c>300ms</c> (any of d, h, m, s, ms, in that order). <c>-</c> or empty: true with null.
    /// </summary>
    public static bool TryDurationMs(string text, out double? milliseconds)
    {
        milliseconds = null;
        text = text.Trim();
        if (text.Length == 0 || text == "-")
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var raw))
        {
            milliseconds = raw;
            return raw >= 0;
        }

        var total = 0.0;
        var position = 0;
        foreach (Match part in DurationPart().Matches(text))
        {
            if (text[position..part.Index].Trim().Length > 0)
            {
                return false;
            }

            var value = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += value * (part.Groups[2].Value.ToLowerInvariant() switch
            {
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => 86_400_000,
            });
            position = part.Index + part.Length;
        }

        if (position == 0 || text[position..].Trim().Length > 0)
        {
            return false;
        }

        milliseconds = total;
        return true;
    }

    /// <summary>A percentage such as <c>85.3%</c> or <c>85.3</c> (raw); <c>-</c> or empty: true with null.</summary>
    public static bool TryPercent(string text, out double? percent)
    {
        percent = null;
        text = text.Trim().TrimEnd('%').Trim();
        if (text.Length == 0 || text == "-")
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            percent = value;
            return true;
        }

        return false;
    }

    /// <summary>The process of a task name: <c>FASTQC (sample1)</c> → <c>FASTQC</c>.</summary>
    internal static string StripTag(string name)
    {
        var paren = name.IndexOf(" (", StringComparison.Ordinal);
        return (paren > 0 ? name[..paren] : name).Trim();
    }

    /// <summary>Splits one line; with <c>,</c> fields may be double-quoted (a quote inside doubled).</summary>
    private static List<string> Split(string line, char separator)
    {
        if (separator != ',' || !line.Contains('"', StringComparison.Ordinal))
        {
            return [.. line.Split(separator)];
        }

        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == separator)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)$")]
    private static partial Regex MemoryPattern();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)\s*(ms|d|h|m|s)\b", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPart();
}
