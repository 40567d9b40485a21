using System.Diagnostics;
using System.Globalization;

namespace Edge.Integration.Tests.Harness;

/// <summary>
/// A separate "host" on this machine: its own network namespace joined to the root namespace by a veth pair
/// (10.231.{n}.1 on the root side, 10.231.{n}.2 inside). Processes started in it see only its interfaces, so an
/// agent there reaches the broker over the veth like a remote node would. Needs root and iproute2.
/// </summary>
internal sealed class TestHost : IAsyncDisposable
{
    private static int _next = Random.Shared.Next(1, 200);

    private readonly string _veth;

    private TestHost(string name, string veth, string rootAddress, string hostAddress)
    {
        Name = name;
        _veth = veth;
        RootSideAddress = rootAddress;
        Address = hostAddress;
    }

    public string Name { get; }

    /// <summary>Where the host reaches the machine's root namespace (e.g. a broker bound to all interfaces).</summary>
    public string RootSideAddress { get; }

    public string Address { get; }

    public static bool CanCreate => Environment.UserName == "root" && File.Exists("/usr/sbin/ip") && File.Exists("/usr/bin/nsenter");

    public static async Task<TestHost> CreateAsync()
    {
        var n = Interlocked.Increment(ref _next) % 250 + 1;
        var name = $"edge-it-{Environment.ProcessId % 10000}-{n}";
        var veth = $"eit{Environment.ProcessId % 1000}x{n}";
        var root = string.Create(CultureInfo.InvariantCulture, $"10.231.{n}.1");
        var inside = string.Create(CultureInfo.InvariantCulture, $"10.231.{n}.2");
        var host = new TestHost(name, veth, root, inside);
        await IpAsync("netns", "add", name);
        try
        {
            await IpAsync("link", "add", veth, "type", "veth", "peer", "name", veth + "p");
            await IpAsync("link", "set", veth + "p", "netns", name);
            await IpAsync("addr", "add", root + "/30", "dev", veth);
            await IpAsync("link", "set", veth, "up");
            await IpAsync("-n", name, "addr", "add", inside + "/30", "dev", veth + "p");
            await IpAsync("-n", name, "link", "set", veth + "p", "up");
            await IpAsync("-n", name, "link", "set", "lo", "up");
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>
    /// The command line that runs <paramref name="file"/> inside this host: in its network namespace only
    /// (nsenter), not through <c>ip netns exec</c>, which also remounts /sys and so hides the cgroup hierarchy that
    /// a real host's agent has.
    /// </summary>
    public (string File, IReadOnlyList<string> Args) Wrap(string file, IEnumerable<string> args) =>
        ("/usr/bin/nsenter", [$"--net=/run/netns/{Name}", "--", file, .. args]);

    /// <summary>Cuts the host off the network (its veth link down on the root side): its processes keep running, unheard.</summary>
    public Task PartitionAsync() => IpAsync("link", "set", _veth, "down");

    /// <summary>Ends a <see cref="PartitionAsync"/>.</summary>
    public Task HealAsync() => IpAsync("link", "set", _veth, "up");

    public async ValueTask DisposeAsync()
    {
        // Deleting the namespace removes the veth pair with it.
        try
        {
            await IpAsync("netns", "delete", Name);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static async Task IpAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/sbin/ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        }
    }
}
