using System.Diagnostics.CodeAnalysis;

namespace Edge.Common.Contracts;

/// <summary>
/// Checks ids that become MQTT topic segments (node, instance, run, command ids). A segment must not hold the
/// MQTT wildcards <c>+</c> and <c>#</c> nor the level separator <c>/</c>; Edge also keeps it short and printable.
/// Component ids may contain <c>/</c> (e.g. <c>etl/transform</c>); <see cref="EdgeTopics"/> escapes them.
/// </summary>
public static class IdValidator
{
    /// <summary>Longest id accepted, in characters.</summary>
    public const int MaxLength = 128;

    /// <summary>True when <paramref name="id"/> is a valid topic segment; otherwise <paramref name="error"/> says why.</summary>
    public static bool IsValidSegment(string? id, [NotNullWhen(false)] out string? error) =>
        IsValid(id, allowSlash: false, out error);

    /// <summary>True when <paramref name="id"/> is a valid component id (slashes allowed).</summary>
    public static bool IsValidComponentId(string? id, [NotNullWhen(false)] out string? error) =>
        IsValid(id, allowSlash: true, out error);

    private static bool IsValid(string? id, bool allowSlash, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(id))
        {
            error = "id is empty";
            return false;
        }

        if (id.Length > MaxLength)
        {
            error = $"id '{id[..32]}…' is {id.Length} characters, more than {MaxLength}";
            return false;
        }

        foreach (var c in id)
        {
            var bad = c is '+' or '#' or '%' || (c == '/' && !allowSlash) || char.IsControl(c) || char.IsWhiteSpace(c);
            if (bad)
            {
                error = $"id '{id}' contains '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())}', which is not allowed in a topic segment";
                return false;
            }
        }

        if (allowSlash && (id.StartsWith('/') || id.EndsWith('/') || id.Contains("//", StringComparison.Ordinal)))
        {
            error = $"id '{id}' has an empty path part";
            return false;
        }

        error = null;
        return true;
    }
}
