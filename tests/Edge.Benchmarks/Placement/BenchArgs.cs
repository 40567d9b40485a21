using System.Globalization;

namespace Edge.Benchmarks.Placement;

/// <summary>Reads <c>--name value</c> pairs; unknown names are an error naming them.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private BenchArgs()
    {
    }

    public static BenchArgs Parse(string[] args, params string[] known)
    {
        var parsed = new BenchArgs();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i].TrimStart('-');
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || !known.Contains(name))
            {
                throw new ArgumentException($"unknown argument '{args[i]}'; known: {string.Join(", ", known.Select(k => "--" + k))}");
            }

            parsed._values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }

        return parsed;
    }

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string String(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public bool Flag(string name) => _values.ContainsKey(name);
}
