using System.Globalization;
using System.Net;

namespace Edge.Agent.Supervision;

/// <summary>
/// Names and addresses of a network-isolated instance: a named network namespace, a veth pair whose host end
/// stays in the host namespace, and a /30 from the configured subnet (host end .1, instance end .2). No NAT:
/// the instance reaches the addresses of its host (the host end of its veth is its default route), which is enough to
/// measure and cap its traffic; reaching beyond the host needs forwarding and NAT set up by the operator.
/// </summary>
internal sealed record InstanceNetwork(string Namespace, string HostInterface, string InstanceInterface, IPAddress HostAddress, IPAddress InstanceAddress)
{
    public const int PrefixLength = 30;

    /// <summary>The name prefix of the host end of every instance's veth pair.</summary>
    public const string HostInterfacePrefix = "veh-";

    /// <summary>
    /// Interface names are at most 15 characters, so instance ids are hashed into 8 hex digits, together with
    /// <paramref name="scope"/> (the agent's state directory): named namespaces (/run/netns) are shared by every agent
    /// on a machine, so two agents (or test hosts) running an instance of the same id must not pick the same name.
    /// </summary>
    public static InstanceNetwork For(string instanceId, string subnet, int index, string scope = "")
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(scope + "\n" + instanceId)), 0, 4);
        var (network, _) = ParseSubnet(subnet);
        var host = network + (uint)(index * 4) + 1;
        return new InstanceNetwork("edge-" + hash, HostInterfacePrefix + hash, "vei-" + hash, ToAddress(host), ToAddress(host + 1));
    }

    /// <summary>How many /30 blocks the subnet holds.</summary>
    public static int Capacity(string subnet) => (int)Math.Min(int.MaxValue, (1L << (32 - ParseSubnet(subnet).Prefix)) / 4);

    public static bool TryValidateSubnet(string subnet, out string? error)
    {
        try
        {
            var (_, prefix) = ParseSubnet(subnet);
            error = prefix > PrefixLength ? $"subnet '{subnet}' is smaller than a /{PrefixLength}" : null;
        }
        catch (FormatException e)
        {
            error = e.Message;
        }

        return error is null;
    }

    private static (uint Network, int Prefix) ParseSubnet(string subnet)
    {
        var parts = subnet.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var prefix) || prefix is < 8 or > 32)
        {
            throw new FormatException($"subnet '{subnet}' is not an IPv4 CIDR like 10.213.0.0/16");
        }

        var bytes = address.GetAddressBytes();
        var value = ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
        var mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        return (value & mask, prefix);
    }

    private static IPAddress ToAddress(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
