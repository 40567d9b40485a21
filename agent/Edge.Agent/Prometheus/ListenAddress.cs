using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Edge.Agent.Prometheus;

/// <summary>Parses <c>Agent:Prometheus:Listen</c>: an IP literal and a port, <c>127.0.0.1:9478</c> or <c>[::1]:9478</c>.</summary>
internal static class ListenAddress
{
    /// <summary>True and the endpoint when <paramref name="text"/> is <c>ip:port</c> with a port in 1..65535; else the reason.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out IPEndPoint? endPoint, [NotNullWhen(false)] out string? error)
    {
        endPoint = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = "must be ip:port, e.g. 127.0.0.1:9478 or [::1]:9478";
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            error = "an IPv6 address must be in brackets, e.g. [::1]:9478";
            return false;
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            error = $"'{host}' is not an IP address (names are not resolved: give the address to bind)";
            return false;
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"port '{text[(colon + 1)..]}' must be a number from 1 to 65535";
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        error = null;
        return true;
    }
}
