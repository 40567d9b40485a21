using System.Diagnostics;
using System.Globalization;

namespace Edge.Agent.Supervision;

/// <summary>
/// Sets up and tears down an instance's network namespace and veth pair with iproute2, caps its egress and
/// ingress with token buckets (tc-tbf(8)) on the two ends of the veth, and reads its byte counters on the host end
/// (/sys/class/net/{if}/statistics). The instance is started through <c>nsenter --net</c> (or <c>ip netns exec</c>),
/// which joins the namespace and execs the program in the same process, so the pid in the cgroup stays the instance's.
/// </summary>
internal sealed class NetworkIsolator(string ipPath)
{
    public static string? FindIp() =>
        new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists);

    private readonly string? _nsenter = new[] { "/usr/bin/nsenter", "/bin/nsenter", "/usr/sbin/nsenter", "/sbin/nsenter" }.FirstOrDefault(File.Exists);

    /// <summary>
    /// What runs the instance in its namespace: <c>nsenter --net</c> (util-linux) joins the network namespace only;
    /// <c>ip netns exec</c>, the fallback, also unshares the mount namespace and remounts /sys, which hides
    /// /sys/fs/cgroup from the instance (so a runtime such as .NET would not see its own CPU and memory limits).
    /// </summary>
    public IReadOnlyList<string> ExecPrefix(InstanceNetwork network) => _nsenter is { } nsenter
        ? [nsenter, "--net=" + Path.Combine(NamespaceDirectory, network.Namespace), "--"]
        : [ipPath, "netns", "exec", network.Namespace];

    /// <summary>Where iproute2 keeps named network namespaces (ip-netns(8)).</summary>
    public const string NamespaceDirectory = "/run/netns";

    /// <summary>
    /// Creates the namespace and the veth pair, addresses both ends and routes the instance through the host end, in
    /// three iproute2 runs (<c>netns add</c>, then one <c>-batch</c> per namespace), then applies the cap. Neither end
    /// gets an IPv6 link-local address (<c>addrgenmode none</c>): its neighbour discovery would be traffic the
    /// instance never sent, measured as its own and learned by the forecaster.
    /// </summary>
    public async Task SetUpAsync(InstanceNetwork network, double? mbps, CancellationToken cancellationToken)
    {
        var prefix = "/" + InstanceNetwork.PrefixLength.ToString(CultureInfo.InvariantCulture);
        await IpAsync(cancellationToken, "netns", "add", network.Namespace);
        await BatchAsync(ipPath, [],
            $"link add {network.HostInterface} type veth peer name {network.InstanceInterface} netns {network.Namespace}\n" +
            $"link set {network.HostInterface} addrgenmode none\n" +
            $"addr add {network.HostAddress}{prefix} dev {network.HostInterface}\n" +
            $"link set {network.HostInterface} up\n", cancellationToken);
        await BatchAsync(ipPath, ["-n", network.Namespace],
            $"link set {network.InstanceInterface} addrgenmode none\n" +
            $"addr add {network.InstanceAddress}{prefix} dev {network.InstanceInterface}\n" +
            $"link set {network.InstanceInterface} up\n" +
            "link set lo up\n" +
            $"route add default via {network.HostAddress}\n", cancellationToken);
        await SetLimitAsync(network, mbps, cancellationToken);
    }

    /// <summary>
    /// Replaces the instance's cap in both directions, or removes it when <paramref name="mbps"/> is null: egress by
    /// a token bucket on the instance end of the veth, ingress by the same on the host end (what the host end sends
    /// is what the instance receives), so a sender beyond the cap has its excess queued, then dropped.
    /// </summary>
    public async Task SetLimitAsync(InstanceNetwork network, double? mbps, CancellationToken cancellationToken)
    {
        if (mbps is not { } rate)
        {
            await RunAsync(ipPath, ["netns", "exec", network.Namespace, "tc", "qdisc", "del", "dev", network.InstanceInterface, "root"], ignoreFailure: true, cancellationToken);
            await RunAsync(TcPath, ["qdisc", "del", "dev", network.HostInterface, "root"], ignoreFailure: true, cancellationToken);
            return;
        }

        var tbf = TokenBucket(rate);
        await RunAsync(ipPath, ["netns", "exec", network.Namespace, "tc", "qdisc", "replace", "dev", network.InstanceInterface, "root", .. tbf], ignoreFailure: false, cancellationToken);
        await RunAsync(TcPath, ["qdisc", "replace", "dev", network.HostInterface, "root", .. tbf], ignoreFailure: false, cancellationToken);
    }

    /// <summary>tc-tbf(8) arguments: burst of at least one full-size frame and ~10 ms at the rate; queue up to 50 ms before dropping.</summary>
    private static string[] TokenBucket(double mbps)
    {
        var kbit = Math.Max(8, (long)Math.Round(mbps * 1000));
        var burstBytes = Math.Max(3000, kbit * 1000 / 8 / 100);
        return ["tbf", "rate", kbit.ToString(CultureInfo.InvariantCulture) + "kbit", "burst", burstBytes.ToString(CultureInfo.InvariantCulture), "latency", "50ms"];
    }

    /// <summary>
    /// The instance's token buckets' drop and overlimit counters: two runs of <c>tc -s qdisc show</c>, on the instance
    /// end inside its namespace (<c>tc -n</c>, its egress) and on the host end (its ingress). Null when either has no
    /// statistics (no cap set).
    /// </summary>
    public async Task<TokenBucketCounters?> ReadCountersAsync(InstanceNetwork network, CancellationToken cancellationToken)
    {
        var egress = TokenBucketCounters.Parse(await CaptureAsync(TcPath, ["-n", network.Namespace, "-s", "qdisc", "show", "dev", network.InstanceInterface], cancellationToken));
        var ingress = TokenBucketCounters.Parse(await CaptureAsync(TcPath, ["-s", "qdisc", "show", "dev", network.HostInterface], cancellationToken));
        return egress is { } tx && ingress is { } rx ? new TokenBucketCounters(tx.Dropped, tx.Overlimits, rx.Dropped, rx.Overlimits) : null;
    }

    private string TcPath => Path.Combine(Path.GetDirectoryName(ipPath)!, "tc") is var tc && File.Exists(tc) ? tc : "tc";

    public async Task TearDownAsync(InstanceNetwork network, CancellationToken cancellationToken)
    {
        await RunAsync(ipPath, ["netns", "del", network.Namespace], ignoreFailure: true, cancellationToken);
        await RunAsync(ipPath, ["link", "del", network.HostInterface], ignoreFailure: true, cancellationToken);
    }

    /// <summary>
    /// Bytes each instance sent and received, by host-end interface name, from the host end's counters in
    /// /proc/net/dev (what the host end received is what the instance sent). Read from /proc, not
    /// /sys/class/net: sysfs shows the namespace that mounted it, /proc/net the reader's own, which is where the
    /// host ends are when the agent itself runs in a network namespace (a container, the test hosts).
    /// </summary>
    private static readonly byte[] HostPrefixBytes = System.Text.Encoding.ASCII.GetBytes(InstanceNetwork.HostInterfacePrefix);

    public static Dictionary<string, (long Sent, long Received)> ReadBytes(string netDevPath)
    {
        var result = new Dictionary<string, (long Sent, long Received)>(StringComparer.Ordinal);
        if (!new Sampling.ProcFileReader().TryRead(netDevPath, out var text))
        {
            return result;
        }

        var parser = new Sampling.NetDevParser(text);
        while (parser.MoveNext(out var name, out var counters))
        {
            if (name.StartsWith(HostPrefixBytes))
            {
                result[System.Text.Encoding.ASCII.GetString(name)] = ((long)counters.RxBytes, (long)counters.TxBytes);
            }
        }

        return result;
    }

    private Task IpAsync(CancellationToken cancellationToken, params string[] args) => RunAsync(ipPath, args, ignoreFailure: false, cancellationToken);

    private static async Task BatchAsync(string file, IReadOnlyList<string> options, string commands, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var option in options)
        {
            info.ArgumentList.Add(option);
        }

        info.ArgumentList.Add("-batch");
        info.ArgumentList.Add("-");
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not run {file}");
        await process.StandardInput.WriteAsync(commands.AsMemory(), cancellationToken);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', options)} -batch' failed ({process.ExitCode}): {(await stderr).Trim()}");
        }
    }

    private static async Task<string> CaptureAsync(string file, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not run {file}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0
            ? stdout
            : throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed ({process.ExitCode}): {(await stderr).Trim()}");
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> args, bool ignoreFailure, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not run {file}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 && !ignoreFailure)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed ({process.ExitCode}): {(await stderr).Trim()}");
        }
    }
}
