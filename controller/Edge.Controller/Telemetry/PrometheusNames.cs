using System.Diagnostics.Metrics;
using System.Text;

namespace Edge.Controller.Telemetry;

/// <summary>
/// Turns a System.Diagnostics.Metrics instrument's name and unit into a Prometheus family name following
/// Prometheus's naming conventions (https://prometheus.io/docs/practices/naming/) the way OpenTelemetry's
/// Prometheus compatibility rules do: dots become underscores, the unit becomes a base-unit suffix
/// (<c>ms</c> and <c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>, annotations such as <c>{batch}</c> are
/// dropped) and counters end in <c>_total</c>.
/// </summary>
internal static class PrometheusNames
{
    /// <summary>The family name and the factor that converts a measurement into the base unit.</summary>
    public static (string Name, double Scale) For(Instrument instrument, bool counter)
    {
        var (suffix, scale) = instrument.Unit switch
        {
            "ms" => ("seconds", 0.001),
            "s" => ("seconds", 1.0),
            "By" => ("bytes", 1.0),
            _ => ((string?)null, 1.0),
        };
        var name = Sanitize(instrument.Name);
        if (suffix is not null && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        if (counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return (name, scale);
    }

    /// <summary>A metric or label name: lower case, and every character outside <c>[a-z0-9_]</c> replaced by <c>_</c>.</summary>
    public static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            text.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        return text.ToString();
    }
}
