using System.Diagnostics;
using System.Globalization;

namespace Edge.Agent.Supervision;

/// <summary>
/// Sets up and tears down an instance's network namespace and veth pair with iproute2, caps its egress with a
/// token bucket (tc-tbf(8)) on the instance end of the veth, and reads its byte counters on the host end
/// (/sys/class/net/{if}/statistics). The instance is started through <c>ip netns exec</c>, which joins the
/// namespace and execs the program in the same process, so the pid in the cgroup stays the instance's.
/// </summary>
internal sealed class NetworkIsolator(string ipPath)
{
    public static string? FindIp() =>
        new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists);

    public IReadOnlyList<string> ExecPrefix(InstanceNetwork network) => [ipPath, "netns", "exec", network.Namespace];

    public async Task SetUpAsync(InstanceNetwork network, double? mbps, CancellationToken cancellationToken)
    {
        var prefix = "/" + InstanceNetwork.PrefixLength.ToString(CultureInfo.InvariantCulture);
        await IpAsync(cancellationToken, "netns", "add", network.Namespace);
        await IpAsync(cancellationToken, "link", "add", network.HostInterface, "type", "veth", "peer", "name", network.InstanceInterface);
        await IpAsync(cancellationToken, "link", "set", network.InstanceInterface, "netns", network.Namespace);
        await IpAsync(cancellationToken, "addr", "add", network.HostAddress + prefix, "dev", network.HostInterface);
        await IpAsync(cancellationToken, "link", "set", network.HostInterface, "up");
        await IpAsync(cancellationToken, "-n", network.Namespace, "addr", "add", network.InstanceAddress + prefix, "dev", network.InstanceInterface);
        await IpAsync(cancellationToken, "-n", network.Namespace, "link", "set", network.InstanceInterface, "up");
        await IpAsync(cancellationToken, "-n", network.Namespace, "link", "set", "lo", "up");
        await IpAsync(cancellationToken, "-n", network.Namespace, "route", "add", "default", "via", network.HostAddress.ToString());
        await SetEgressAsync(network, mbps, cancellationToken);
    }

    /// <summary>Replaces the instance's egress cap, or removes it when <paramref name="mbps"/> is null.</summary>
    public async Task SetEgressAsync(InstanceNetwork network, double? mbps, CancellationToken cancellationToken)
    {
        if (mbps is not { } rate)
        {
            await RunAsync(ipPath, ["netns", "exec", network.Namespace, "tc", "qdisc", "del", "dev", network.InstanceInterface, "root"], ignoreFailure: true, cancellationToken);
            return;
        }

        // Burst of at least one full-size frame and ~10 ms at the rate; queue up to 50 ms before dropping.
        var kbit = Math.Max(8, (long)Math.Round(rate * 1000));
        var burstBytes = Math.Max(3000, kbit * 1000 / 8 / 100);
        await RunAsync(ipPath, ["netns", "exec", network.Namespace, "tc", "qdisc", "replace", "dev", network.InstanceInterface, "root", "tbf",
            "rate", kbit.ToString(CultureInfo.InvariantCulture) + "kbit",
            "burst", burstBytes.ToString(CultureInfo.InvariantCulture),
            "latency", "50ms"], ignoreFailure: false, cancellationToken);
    }

    public async Task TearDownAsync(InstanceNetwork network, CancellationToken cancellationToken)
    {
        await RunAsync(ipPath, ["netns", "del", network.Namespace], ignoreFailure: true, cancellationToken);
        await RunAsync(ipPath, ["link", "del", network.HostInterface], ignoreFailure: true, cancellationToken);
    }

    /// <summary>Bytes the instance sent and received, from the host end (its receive is the instance's send).</summary>
    public static (long Sent, long Received)? ReadBytes(InstanceNetwork network)
    {
        var dir = $"/sys/class/net/{network.HostInterface}/statistics";
        var received = Cgroups.CgroupFiles.TryReadLong(Path.Combine(dir, "rx_bytes"));
        var sent = Cgroups.CgroupFiles.TryReadLong(Path.Combine(dir, "tx_bytes"));
        return received is { } rx && sent is { } tx ? (rx, tx) : null;
    }

    private Task IpAsync(CancellationToken cancellationToken, params string[] args) => RunAsync(ipPath, args, ignoreFailure: false, cancellationToken);

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
