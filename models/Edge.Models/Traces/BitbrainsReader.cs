using System.Globalization;

namespace Edge.Models.Traces;

/// <summary>
/// Reads the Bitbrains GWA-T-12 layout (docs/design.md conventions): one file per VM, header line, fields separated by
/// <c>;</c> and a TAB, trimmed. CPU cores = usage MHz / (capacity MHz / cores); memory MiB = usage KB / 1024;
/// network Mbps = max(received, transmitted KB/s) · 8 · 1024 / 10^6 (the busier direction, as the controller learns an
/// instance's network peak and caps each direction at its limit: docs/protocol.md, "Network"); the first column holds Unix seconds; rows with 0
/// cores are dropped; a repeated timestamp keeps its first row. Malformed rows are reported with file and line.
/// </summary>
public static class BitbrainsReader
{
    private const int Columns = 11;

    public static TraceLoadResult Read(string directory, IReadOnlyCollection<ResourceKind> resources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var log = new TraceIssueLog();
        var series = new List<UsageSeries>();
        var files = TraceFiles.List(directory, ".csv", ".csv.gz", ".txt", ".txt.gz");
        var read = 0;
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var rows = ReadFile(file, log);
                read++;
                if (rows.Count == 0)
                {
                    log.BadFile(file, "no usable rows");
                    continue;
                }

                var name = TraceFiles.SeriesName(file);
                var times = rows.Select(r => r.T).ToArray();
                foreach (var resource in resources)
                {
                    var values = rows.Select(r => resource switch
                    {
                        ResourceKind.Cpu => r.Cpu,
                        ResourceKind.Memory => r.MemoryMiB,
                        _ => r.NetworkMbps,
                    }).ToArray();
                    series.Add(new UsageSeries(name, resource, times, values));
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                log.BadFile(file, ex.Message);
            }
        }

        return new TraceLoadResult(series, log.Issues, read, log.FilesSkipped, log.LinesSkipped);
    }

    private static List<Row> ReadFile(string file, TraceIssueLog log)
    {
        var rows = new List<Row>();
        var seen = new HashSet<long>();
        using var reader = TraceFiles.OpenText(file);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (lineNumber == 1 || line.Length == 0)
            {
                continue;
            }

            if (!TryParse(line, out var row, out var error))
            {
                log.BadLine(file, lineNumber, error);
                continue;
            }

            if (row.Cores > 0 && seen.Add(row.T))
            {
                rows.Add(row);
            }
        }

        // Stable: a repeated timestamp already kept its first row above.
        rows.Sort((a, b) => a.T.CompareTo(b.T));
        return rows;
    }

    private static bool TryParse(string line, out Row row, out string error)
    {
        row = default;
        var fields = line.Split(';');
        if (fields.Length < Columns)
        {
            error = $"expected {Columns} fields separated by ';', found {fields.Length}";
            return false;
        }

        var values = new double[Columns];
        for (var i = 0; i < Columns; i++)
        {
            var text = fields[i].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                error = $"field {i + 1} is not a number: '{text}'";
                return false;
            }
        }

        if (values[1] < 0 || values[2] < 0 || values[3] < 0 || values[6] < 0)
        {
            error = "negative cores, capacity or usage";
            return false;
        }

        var cores = values[1];
        var cpu = cores > 0 && values[2] > 0 ? values[3] / (values[2] / cores) : 0;
        row = new Row((long)values[0], cores, cpu, values[6] / 1024, Math.Max(values[9], values[10]) * 8 * 1024 / 1e6);
        error = "";
        return true;
    }

    private readonly record struct Row(long T, double Cores, double Cpu, double MemoryMiB, double NetworkMbps);
}
