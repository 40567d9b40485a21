using Edge.Common.Contracts;

namespace Edge.Agent.Sampling;

/// <summary>
/// Detects what a node offers: cores listed in /proc/stat, MemTotal from /proc/meminfo, and the fastest link speed
/// the drivers report under /sys/class/net (virtual interfaces report none, so network may stay unknown).
/// </summary>
internal static class NodeCapacityProbe
{
    public static ResourceQuantity Detect(ProcPaths paths)
    {
        var reader = new ProcFileReader();
        var cores = Environment.ProcessorCount;
        if (reader.TryRead(paths.Stat, out var stat))
        {
            var parsed = ProcStatParser.Parse(stat, [], out _);
            if (parsed > 0)
            {
                cores = parsed;
            }
        }

        double memoryMiB = 0;
        if (reader.TryRead(paths.MemInfo, out var meminfo) && MemInfoParser.TryParse(meminfo, out var info))
        {
            memoryMiB = Math.Floor(info.TotalMiB);
        }

        return new ResourceQuantity(cores * 1000.0, memoryMiB, FastestLinkMbps(paths, reader));
    }

    private static double? FastestLinkMbps(ProcPaths paths, ProcFileReader reader)
    {
        var names = new List<string>();
        if (reader.TryRead(paths.NetDev, out var netdev))
        {
            var parser = new NetDevParser(netdev);
            while (parser.MoveNext(out var name, out _))
            {
                names.Add(System.Text.Encoding.ASCII.GetString(name));
            }
        }

        double? fastest = null;
        foreach (var name in names)
        {
            if (name == "lo" || name.StartsWith(Supervision.InstanceNetwork.HostInterfacePrefix, StringComparison.Ordinal) || !reader.TryRead(paths.InterfaceSpeed(name), out var text))
            {
                continue;
            }

            if (System.Buffers.Text.Utf8Parser.TryParse(text.Trim("\n "u8), out long mbps, out _) && mbps > 0)
            {
                fastest = Math.Max(fastest ?? 0, mbps);
            }
        }

        return fastest;
    }
}
