using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// JSON-aware mutations on a <see cref="JsonTree"/>: extreme numbers, NaN/Infinity strings, huge strings, deep
/// nesting, wrong types, duplicate and missing keys, unicode and control characters, enormous arrays, hostile
/// strings (paths, loader variables, topic wildcards), and subtrees spliced in from other inputs.
/// </summary>
internal static class JsonMutations
{
    private static readonly string[] ExtremeNumbers =
    [
        "1e308", "-1e308", "1e309", "-1e400", "1e-400", "5e-324", "-0", "-0.0", "0", "-1", "1", "2147483647",
        "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "99999999999999999999999999999999999999", "1.7976931348623157e308", "4.9e-324", "0.1", "1e-7", "123456789.123456789",
        "1" + new string('0', 400), "0." + new string('0', 400) + "1",
    ];

    private static readonly string[] HostileStrings =
    [
        "", " ", "NaN", "Infinity", "-Infinity", "null", "true", "../../../../etc/passwd", "/etc/edge/agent.password",
        "/bin/sh", "/opt/edge/bin/edge-workload", "/opt/edge/bin/../../../bin/sh", "/opt/edge/bin/edge-workload\0", "LD_PRELOAD",
        "DOTNET_EventPipeOutputPath", "COMPlus_EnableDiagnostics", "PYTHONPATH", "a=b", "+", "#", "node-a/#", "edge/v1/nodes/+/commands",
        "%2F", "a/b/c", "node-a", "node-b", "agent-node-a", "edge-controller", "$type", "__proto__", "\u202e", "\ud83d\ude00",
        "\u0000", "\u001b[31m", "\r\n", "é", "ǅ", "İ", "onDemand", "spot", "reserved", "edge", "start", "stop", "resize", "commandAccepted",
        "instanceExited", "cpu.usage.cores", "mem.current.mib", "node", "cgroup/", "instance/x", "dotnet/x",
    ];

    private static readonly string[] RawLiterals =
    [
        "null", "true", "false", "{}", "[]", "\"\"", "[null]", "{\"\":null}", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"",
        "\"\\u0000\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u001f\\u007f\"", "\"\\/\\\\\"", "[[]]", "{\"a\":{}}",
    ];

    public static void Mutate(JsonTree root, Random random, IReadOnlyList<byte[]> donors)
    {
        var all = root.All();
        var target = all[random.Next(all.Count)];
        // The costly ones (huge strings, deep nesting, enormous arrays) get one slot in 32 each, the rest several.
        switch (random.Next(32))
        {
            case < 5:
                target.ReplaceWith(JsonTree.Scalar(Pick(ExtremeNumbers, random)));
                break;
            case < 8:
                target.ReplaceWith(JsonTree.Scalar(Quote(Pick(HostileStrings, random))));
                break;
            case < 11:
                target.ReplaceWith(JsonTree.Scalar(Pick(RawLiterals, random)));
                break;
            case 11:
                target.ReplaceWith(JsonTree.Scalar(HugeString(random)));
                break;
            case 12:
                target.ReplaceWith(DeepNesting(random));
                break;
            case 13:
                EnormousArray(target, random);
                break;
            case < 17:
                RemoveProperty(all, random);
                break;
            case < 20:
                DuplicateProperty(all, random);
                break;
            case < 22:
                AddProperty(all, random);
                break;
            case < 26:
                MutateString(target, random);
                break;
            case < 28:
                RenameKey(all, random);
                break;
            case < 30:
                SpliceFromDonor(target, random, donors);
                break;
            default:
                WrongType(target, random);
                break;
        }
    }

    private static T Pick<T>(IReadOnlyList<T> items, Random random) => items[random.Next(items.Count)];

    private static string Quote(string value) => JsonSerializer.Serialize(value, FuzzJsonContext.Default.String);

    private static string HugeString(Random random)
    {
        // Mostly modest, sometimes just past the 1 MiB payload limit: every size band is a different code path.
        var bytes = random.Next(10) switch { < 4 => 256, < 7 => 4096, < 9 => 65_536, _ => 1_100_000 };
        var unit = random.Next(4) switch { 0 => "A", 1 => "\\u00e9", 2 => "\\ud83d\\ude00", _ => "\\u0001" };
        var count = Math.Max(1, bytes / unit.Length);
        var text = new StringBuilder(count * unit.Length + 2).Append('"');
        for (var i = 0; i < count; i++)
        {
            text.Append(unit);
        }

        return text.Append('"').ToString();
    }

    private static JsonTree DeepNesting(Random random)
    {
        var depth = random.Next(3) switch { 0 => 63, 1 => 65, _ => 5000 };
        var useObjects = random.Next(2) == 0;
        var text = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            text.Append(useObjects ? "{\"a\":" : "[");
        }

        text.Append('1');
        for (var i = 0; i < depth; i++)
        {
            text.Append(useObjects ? '}' : ']');
        }

        // Kept as raw text: the tree would need the same depth to hold it.
        return JsonTree.Scalar(text.ToString());
    }

    private static List<JsonTree> Objects(List<JsonTree> all) => all.Where(n => n.Kind == JsonValueKind.Object).ToList();

    private static void RemoveProperty(List<JsonTree> all, Random random)
    {
        var objects = Objects(all).Where(o => o.Properties.Count > 0).ToList();
        if (objects.Count > 0)
        {
            var obj = Pick(objects, random);
            obj.Properties.RemoveAt(random.Next(obj.Properties.Count));
        }
    }

    private static void DuplicateProperty(List<JsonTree> all, Random random)
    {
        var objects = Objects(all).Where(o => o.Properties.Count > 0).ToList();
        if (objects.Count == 0)
        {
            return;
        }

        var obj = Pick(objects, random);
        var (key, value) = obj.Properties[random.Next(obj.Properties.Count)];
        var copy = value.Clone();
        if (copy.Raw is not null && random.Next(2) == 0)
        {
            copy = JsonTree.Scalar(Pick(ExtremeNumbers, random));
        }

        obj.Properties.Insert(random.Next(obj.Properties.Count + 1), new(key, copy));
    }

    private static void AddProperty(List<JsonTree> all, Random random)
    {
        var objects = Objects(all);
        if (objects.Count > 0)
        {
            var obj = Pick(objects, random);
            obj.Properties.Add(new(Pick(HostileStrings, random), JsonTree.Scalar(Pick(RawLiterals, random))));
        }
    }

    private static void EnormousArray(JsonTree target, Random random)
    {
        var element = target.Kind == JsonValueKind.Array && target.Items.Count > 0 ? target.Items[0] : JsonTree.Scalar(Pick(ExtremeNumbers, random));
        var elementBytes = Math.Max(1, element.ToUtf8().Length + 1);
        var wanted = random.Next(3) switch { 0 => 1000, 1 => 20_000, _ => 100_000 };

        // At most ~1.2 MiB of array: past the payload limit, never so large that the fuzzer itself is what is slow.
        var count = Math.Min(wanted, 1_200_000 / elementBytes);
        var array = JsonTree.Array();
        for (var i = 0; i < count; i++)
        {
            array.Items.Add(element); // shared here; ReplaceWith copies the whole array once
        }

        target.ReplaceWith(array);
    }

    private static void MutateString(JsonTree target, Random random)
    {
        if (target.Raw is not { Length: >= 2 } raw || raw[0] != '"')
        {
            target.ReplaceWith(JsonTree.Scalar(Quote(Pick(HostileStrings, random))));
            return;
        }

        string value;
        try
        {
            value = JsonSerializer.Deserialize(raw, FuzzJsonContext.Default.String) ?? "";
        }
        catch (JsonException)
        {
            value = raw; // a lone surrogate escape: mutate the raw text instead
        }

        value = random.Next(5) switch
        {
            0 => value + Pick(HostileStrings, random),
            1 => Pick(HostileStrings, random) + value,
            2 => value.ToUpperInvariant(),
            3 => value.Length > 0 ? value.Remove(random.Next(value.Length), 1) : "x",
            _ => string.Concat(Enumerable.Repeat(value, 1 + random.Next(64))),
        };
        target.ReplaceWith(JsonTree.Scalar(Quote(value)));
    }

    private static void RenameKey(List<JsonTree> all, Random random)
    {
        var objects = Objects(all).Where(o => o.Properties.Count > 0).ToList();
        if (objects.Count == 0)
        {
            return;
        }

        var obj = Pick(objects, random);
        var index = random.Next(obj.Properties.Count);
        var key = obj.Properties[index].Key;
        var renamed = random.Next(4) switch
        {
            0 => key.ToUpperInvariant(),
            1 => char.ToUpperInvariant(key.FirstOrDefault('x')) + key[Math.Min(1, key.Length)..],
            2 => key + "\u0000",
            _ => Pick(HostileStrings, random),
        };
        obj.Properties[index] = new(renamed, obj.Properties[index].Value);
    }

    private static void SpliceFromDonor(JsonTree target, Random random, IReadOnlyList<byte[]> donors)
    {
        if (donors.Count == 0 || JsonTree.TryParse(Pick(donors, random)) is not { } donor)
        {
            return;
        }

        var nodes = donor.All();
        target.ReplaceWith(Pick(nodes, random));
    }

    private static void WrongType(JsonTree target, Random random)
    {
        JsonTree replacement = target.Kind switch
        {
            JsonValueKind.Object => JsonTree.Array(),
            JsonValueKind.Array => JsonTree.Object(),
            _ => random.Next(3) switch
            {
                0 => JsonTree.Object(),
                1 => JsonTree.Array(),
                _ => JsonTree.Scalar(target.Raw is { Length: > 0 } raw && raw[0] == '"'
                    ? random.Next(1000).ToString(CultureInfo.InvariantCulture)
                    : Quote(target.Raw ?? "")),
            },
        };
        if (replacement.Kind == JsonValueKind.Array && target.Kind == JsonValueKind.Object)
        {
            replacement.Items.AddRange(target.Properties.Select(p => p.Value.Clone()));
        }

        target.ReplaceWith(replacement);
    }
}
