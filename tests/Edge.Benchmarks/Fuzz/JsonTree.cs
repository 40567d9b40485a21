using System.Text;
using System.Text.Json;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// A JSON document as a mutable tree that can hold what System.Text.Json.Nodes cannot: duplicate keys and raw
/// scalar text that is not a valid .NET number (1e400, -0, 99999999999999999999999). Scalars keep their raw text.
/// </summary>
internal sealed class JsonTree
{
    private JsonTree(JsonValueKind kind, string? raw)
    {
        Kind = kind;
        Raw = raw;
    }

    public JsonValueKind Kind { get; private set; }

    /// <summary>The scalar's JSON text (with quotes for strings); null for objects and arrays.</summary>
    public string? Raw { get; private set; }

    public List<KeyValuePair<string, JsonTree>> Properties { get; } = [];

    public List<JsonTree> Items { get; } = [];

    public static JsonTree Scalar(string raw) => new(JsonValueKind.Undefined, raw);

    public static JsonTree Object() => new(JsonValueKind.Object, null);

    public static JsonTree Array() => new(JsonValueKind.Array, null);

    /// <summary>Parses <paramref name="utf8"/>; null when it is not JSON (then only byte mutations apply).</summary>
    public static JsonTree? TryParse(byte[] utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 256 });
            return From(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a name or string that is not valid UTF-8 (JsonDocument checks it only on access).
            return null;
        }
    }

    private static JsonTree From(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = Object();
                foreach (var property in element.EnumerateObject())
                {
                    obj.Properties.Add(new(property.Name, From(property.Value)));
                }

                return obj;
            case JsonValueKind.Array:
                var array = Array();
                foreach (var item in element.EnumerateArray())
                {
                    array.Items.Add(From(item));
                }

                return array;
            default:
                return Scalar(element.GetRawText());
        }
    }

    /// <summary>Every node in the tree, the root first.</summary>
    public List<JsonTree> All()
    {
        var all = new List<JsonTree>();
        var pending = new Stack<JsonTree>();
        pending.Push(this);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            all.Add(node);
            foreach (var (_, child) in node.Properties)
            {
                pending.Push(child);
            }

            foreach (var child in node.Items)
            {
                pending.Push(child);
            }
        }

        return all;
    }

    /// <summary>Turns this node into a copy of <paramref name="other"/> (deep).</summary>
    public void ReplaceWith(JsonTree other)
    {
        var copy = other.Clone();
        Kind = copy.Kind;
        Raw = copy.Raw;
        Properties.Clear();
        Properties.AddRange(copy.Properties);
        Items.Clear();
        Items.AddRange(copy.Items);
    }

    public JsonTree Clone()
    {
        var copy = new JsonTree(Kind, Raw);
        copy.Properties.AddRange(Properties.Select(p => new KeyValuePair<string, JsonTree>(p.Key, p.Value.Clone())));
        copy.Items.AddRange(Items.Select(i => i.Clone()));
        return copy;
    }

    public byte[] ToUtf8()
    {
        var text = new StringBuilder();
        Write(text);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private void Write(StringBuilder text)
    {
        switch (Kind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                for (var i = 0; i < Properties.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    text.Append(JsonSerializer.Serialize(Properties[i].Key, FuzzJsonContext.Default.String)).Append(':');
                    Properties[i].Value.Write(text);
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                for (var i = 0; i < Items.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    Items[i].Write(text);
                }

                text.Append(']');
                break;
            default:
                text.Append(Raw);
                break;
        }
    }
}
