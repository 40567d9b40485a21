using System.Globalization;
using System.IO.Compression;
using Edge.Models;

namespace Edge.Benchmarks.Forecast;

/// <summary>
/// A small reader for the Bitbrains GWA-T-12 per-VM files (header line, fields separated by ";\t", gzipped or not),
/// following docs/design.md: Unix-second timestamps, CPU cores = usage MHz / (capacity MHz / cores), memory MiB =
/// usage KB / 1024, rows with 0 cores dropped, duplicate or earlier timestamps keep the first row. Bad rows are
/// counted and skipped.
/// </summary>
internal static class BitbrainsSample
{
    public static (List<UsageSeries> Cpu, List<UsageSeries> Memory, int BadRows) Read(string directory, int maxVms)
    {
        var files = Directory.GetFiles(directory, "*.csv*").Order(StringComparer.Ordinal).Take(maxVms).ToList();
        if (files.Count == 0)
        {
            throw new FileNotFoundException($"No Bitbrains *.csv or *.csv.gz files in {directory}.");
        }

        List<UsageSeries> cpu = [], memory = [];
        var bad = 0;
        foreach (var file in files)
        {
            var id = Path.GetFileName(file).Split('.')[0];
            var (timestamps, cores, mib, badRows) = ReadFile(file);
            bad += badRows;
            cpu.Add(new UsageSeries(id, ResourceKind.Cpu, timestamps, cores));
            memory.Add(new UsageSeries(id, ResourceKind.Memory, timestamps, mib));
        }

        return (cpu, memory, bad);
    }

    private static (long[] Timestamps, double[] Cores, double[] Mib, int Bad) ReadFile(string path)
    {
        using var stream = File.OpenRead(path);
        using var decoded = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : (Stream)stream;
        using var reader = new StreamReader(decoded);
        List<long> timestamps = [];
        List<double> cores = [], mib = [];
        var bad = 0;
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(';');
            if (f.Length < 7 || !long.TryParse(f[0].Trim(), CultureInfo.InvariantCulture, out var t)
                || !double.TryParse(f[1].Trim(), CultureInfo.InvariantCulture, out var provisioned)
                || !double.TryParse(f[2].Trim(), CultureInfo.InvariantCulture, out var capacityMhz)
                || !double.TryParse(f[3].Trim(), CultureInfo.InvariantCulture, out var usageMhz)
                || !double.TryParse(f[6].Trim(), CultureInfo.InvariantCulture, out var memoryKb))
            {
                bad++;
                continue;
            }

            if (provisioned <= 0 || capacityMhz <= 0 || (timestamps.Count > 0 && t <= timestamps[^1]))
            {
                continue;
            }

            timestamps.Add(t);
            cores.Add(Math.Max(0, usageMhz / (capacityMhz / provisioned)));
            mib.Add(Math.Max(0, memoryKb / 1024));
        }

        return ([.. timestamps], [.. cores], [.. mib], bad);
    }
}
